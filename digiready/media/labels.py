"""The few words the slides say themselves, per language (the rest comes from the pack).
A language missing here gets English headings; add a line to translate them."""
from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {"learn": "What you will learn", "task": "Your task this week", "local": "In {economy}"},
    "es": {"learn": "Lo que aprenderá", "task": "Su tarea de esta semana", "local": "En {economy}"},
    "fil": {"learn": "Ang matututunan mo", "task": "Ang gawain mo ngayong linggo", "local": "Sa {economy}"},
    "vi": {"learn": "Bạn sẽ học được", "task": "Nhiệm vụ của bạn tuần này", "local": "Tại {economy}"},
    "id": {"learn": "Yang akan Anda pelajari", "task": "Tugas Anda minggu ini", "local": "Di {economy}"},
    "tpi": {"learn": "Wanem samting yu bai lainim", "task": "Wok bilong yu long dispela wik", "local": "Long {economy}"},
}


def label(language: str, key: str, **values: str) -> str:
    text = LABELS.get(language, LABELS["en"]).get(key) or LABELS["en"][key]
    return text.format(**values)

# Each language's name in itself, for the captions menu.
LANGUAGE_NAMES = {"en": "English", "es": "Español", "fil": "Filipino", "vi": "Tiếng Việt",
                  "id": "Bahasa Indonesia", "tpi": "Tok Pisin", "ms": "Bahasa Melayu", "th": "ไทย"}


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)
