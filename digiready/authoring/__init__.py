"""Authoring economy overlays in a CMS (DigiReady Studio is the web adapter on top).

The pack model and the validator stay in :mod:`digiready.packs`; this package adds what
editing needs: an overlay as items and translations (:mod:`.content`), drafts in the database
with optimistic locks and an audit log (:mod:`.store`), the draft built and checked by the
core validator (:mod:`.build`), translation states and PO exchange (:mod:`.translation`),
versions, publishing and rollback (:mod:`.publishing`), readable diffs (:mod:`.diff`), and
previews of a draft (:mod:`.previews`). The command line (``digiready studio export|import``)
and the web app call the same functions.
"""
