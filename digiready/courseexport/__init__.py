"""``digiready course export``: a content pack as an Open edX course in one import.

:mod:`.course` builds the course (sections per dimension, a unit per module, videos from
``digiready media build`` when built) from the pack; :mod:`.olx` writes it as an OLX archive.
Nothing here imports the XBlocks: the archive names them by their OLX tags only.
"""
from digiready.courseexport.course import Course, CourseExportError, MediaSource, build_course
from digiready.courseexport.olx import vtt_to_srt, write_archive

__all__ = ["Course", "CourseExportError", "MediaSource", "build_course", "vtt_to_srt", "write_archive"]
