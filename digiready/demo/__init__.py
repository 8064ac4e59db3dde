"""Synthetic demo data: one command fills every area's tables with plausible records.

Each area (attempts, events, and the adapters' parts such as the symposium portal's
registrations and evaluations) contributes a generator through :func:`register`; adapters name
their generator modules through :mod:`digiready.adapters`. :func:`generate` clears earlier synthetic rows (in reverse order, so that
rows which point at others go first) and then runs the generators in order. Everything
generated is flagged ``synthetic`` so that reports built from it say so on every page.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# The core's modules that register generators; adapters add theirs through the registry. A
# module whose area is not installed is skipped.
GENERATOR_MODULES = [
    "digiready.demo.attempts",
    "digiready.demo.events",
]

ProgressFn = Callable[[str, str, float], None]


def no_progress(_stage: str, _economy: str, _percent: float) -> None:
    return None


def stderr_progress(stage: str, economy: str, percent: float) -> None:
    """One overwritten status line on stderr: stage, economy, percent."""
    end = "\n" if percent >= 100 else ""
    print(f"\r{stage:<14} {economy:<6} {percent:5.1f}%", end=end, file=sys.stderr, flush=True)


@dataclass
class DemoContext:
    url: str
    economies: list[str]
    responses: int
    seed: int = 1
    pack_path: str | None = None
    progress: ProgressFn = no_progress
    # Generators leave what later generators need here (e.g. learner ids per economy).
    shared: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Generator:
    name: str
    order: int
    generate: Callable[[DemoContext], dict[str, Any]]
    clear: Callable[[DemoContext], None] | None = None


_REGISTRY: dict[str, Generator] = {}


def register(name: str, *, order: int,
             clear: Callable[[DemoContext], None] | None = None) -> Callable:
    """Decorator: ``@register("attempts", order=10, clear=clear_attempts)``."""
    def wrap(fn: Callable[[DemoContext], dict[str, Any]]) -> Callable[[DemoContext], dict[str, Any]]:
        _REGISTRY[name] = Generator(name, order, fn, clear)
        return fn
    return wrap


def load_generators() -> list[Generator]:
    from digiready.adapters import import_optional, registry

    for module in [*GENERATOR_MODULES, *registry().demo_modules]:
        import_optional(module)
    return sorted(_REGISTRY.values(), key=lambda g: g.order)


def generate(ctx: DemoContext, only: list[str] | None = None) -> dict[str, dict[str, Any]]:
    """Replace earlier synthetic data of ``ctx.economies`` with fresh data."""
    generators = [g for g in load_generators() if only is None or g.name in only]
    for gen in reversed(generators):
        if gen.clear is not None:
            gen.clear(ctx)
    return {gen.name: gen.generate(ctx) for gen in generators}
