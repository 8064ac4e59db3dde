"""What a business can use: its means read from the profile and answers, and whether a tool
or module's declared ``needs`` (device, connectivity, literacy, cost, languages) fit them.

The means come only from what the learner said. An unanswered or skipped question says
nothing, so it restricts nothing: advice is held back only for a need the answers show is
not met (docs/diagnostic-method.md, "What the business can use").
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from digiready.packs.model import NEED_ORDERS, Needs

# devices_used options -> the device they give, best first
_DEVICES = (("computer", "computer"), ("tablet", "smartphone"), ("smartphone", "smartphone"),
            ("pos_terminal", "smartphone"), ("basic_phone", "basic_phone"))
_CONNECTION = {"none": "none", "phone_data_personal": "occasional", "phone_data_business": "daily",
               "fixed_broadband": "broadband", "fixed_plus_backup": "broadband"}
# digital_skills options that show a confident user of forms and numbers, or a reader of
# messages and simple screens
_CONFIDENT = {"spreadsheets", "online_banking", "gov_services"}
_READING = {"messaging_email", "video_calls", "content", "online_learning"}


@dataclass(frozen=True, slots=True)
class Means:
    """The most demanding value of each need that the answers show the business meets; None
    where the answers do not say. ``language``: the learner's language when they said other
    languages hold them back."""
    device: str | None = None
    connectivity: str | None = None
    literacy: str | None = None
    cost: str | None = None
    language: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"device": self.device, "connectivity": self.connectivity, "literacy": self.literacy,
                "cost": self.cost, "language": self.language}


def _cap(value: str | None, ceiling: str, need: str) -> str:
    order = NEED_ORDERS[need]
    if value is None:
        return ceiling
    return order[min(order.index(value), order.index(ceiling))]


def means(answers: dict[str, Any], language: str | None = None) -> Means:
    """The business's means from its normalised answers (only the questions it was shown)."""
    devices = answers.get("devices_used")
    device = None
    if isinstance(devices, list):
        device = next((given for option, given in _DEVICES if option in devices), "none")
    connection = answers.get("internet_connection")
    connectivity = _CONNECTION.get(connection) if isinstance(connection, str) else None
    if connectivity is None and device in ("none", "basic_phone") and "internet_connection" not in answers:
        connectivity = "none"  # the question is skipped for a business with no device
    skills = answers.get("digital_skills")
    literacy = None
    if isinstance(skills, list):
        literacy = ("confident" if _CONFIDENT.intersection(skills)
                    else "reading" if _READING.intersection(skills) else "basic")
    barriers = answers.get("barriers") if isinstance(answers.get("barriers"), list) else []
    if "signal" in barriers:  # weak signal or power cuts: only what works on occasional data
        connectivity = _cap(connectivity, "occasional", "connectivity")
    if "skills" in barriers:
        literacy = _cap(literacy, "reading", "literacy")
    return Means(device=device, connectivity=connectivity, literacy=literacy,
                 cost="free" if "cost" in barriers else None,
                 language=language if "language" in barriers else None)


def missing(needs: Needs, have: Means) -> list[dict[str, str]]:
    """The needs ``have`` does not meet, as ``{"need", "needs", "have"}`` (empty: usable)."""
    gaps = []
    for need, order in NEED_ORDERS.items():
        wanted, got = getattr(needs, need), getattr(have, need)
        if wanted is not None and got is not None and order.index(wanted) > order.index(got):
            gaps.append({"need": need, "needs": wanted, "have": got})
    if needs.languages and have.language and have.language.split("-")[0] not in needs.languages:
        gaps.append({"need": "language", "needs": ", ".join(needs.languages), "have": have.language})
    return gaps
