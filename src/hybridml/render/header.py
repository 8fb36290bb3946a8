"""The header's words: how fresh the view is (or how stale, and why), and how its parts give way at 80 columns.

Pure (rich only): the TUI's StatusHeader lays out `HeaderPart`s with `fit`; the app computes `freshness` from
the view's state. At 80 columns what matters during an incident stays: the view, how stale it is and why
("stale 2m: no answer from batch"), problems and alerts. The account and the endpoint shorten first, then go.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text

from hybridml.render.safe import safe_str

SEP = "│ "


def compact_age(seconds: float) -> str:
    """`45s`, `2m`, `1h05m`, `3d`: an age in a few characters."""
    s = int(max(0.0, seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m"
    if s < 86400:
        return f"{s // 3600}h{(s % 3600) // 60:02d}m"
    return f"{s // 86400}d"


WHY = {
    "unreachable": "no answer from {service}",
    "throttled": "throttled by {service}",
    "denied": "access denied by {service}",
    "credentials": "credentials refused by {service}",
    "service error": "{service} is failing",
    "not found": "not found in {service}",
    "invalid": "{service} refused the request",
}


def why(kind: str, service: str) -> str:
    """A failed read in a few words: `no answer from batch`."""
    return WHY.get(kind, kind + " from {service}").format(service=service or "AWS")


@dataclass(frozen=True, slots=True)
class Freshness:
    text: str
    stale: bool  # shown in warning colours, and never dropped at 80 columns


def freshness(
    *,
    age_s: float | None,
    error_kind: str = "",
    service: str = "",
    waiting_s: float = 0.0,
    stalled_after_s: float = 3.0,
) -> Freshness:
    """How old the rows on screen are, and why when they are not fresh.

    `age_s`: since the last successful read (None: never read); `error_kind`: the last read's failure ('' when
    it succeeded); `waiting_s`: how long the read in flight has gone unanswered."""
    stalled = waiting_s >= stalled_after_s
    if age_s is None:
        if error_kind:
            return Freshness(f"no data: {why(error_kind, service)}", True)
        if stalled:
            return Freshness(f"loading… no answer from {service or 'AWS'} for {compact_age(waiting_s)}", True)
        return Freshness("loading…", False)
    age = compact_age(age_s)
    if error_kind:
        return Freshness(f"stale {age}: {why(error_kind, service)}", True)
    if stalled:  # a silent endpoint: said before the request times out
        return Freshness(f"stale {age}: no answer from {service or 'AWS'}", True)
    return Freshness(f"refreshed {age} ago", False)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _short_context(context: str) -> str:
    """`staging@eu-west-1` stays whole (the profile is which account you act on); a long profile is cut."""
    profile, at, region = context.rpartition("@")
    return f"{_cut(profile, 12)}@{region}" if at else region


@dataclass
class HeaderPart:
    """One part of the header. The lowest `priority` gives way first (`short`, `tiny`, then gone); 10 never
    goes."""

    priority: int
    text: str
    short: str
    style: str = ""
    tiny: str = ""  # the least it can say ('' : its short form)

    def forms(self) -> list[str]:
        """Its forms from the least to the whole text, each one longer than the one before."""
        found: list[str] = []
        for form in (self.tiny, self.short, self.text):
            if form and (not found or Text(form).cell_len > Text(found[-1]).cell_len):
                found.append(form)
        return found


def header_parts(
    *,
    account: str,
    context: str,
    endpoint: str,
    mode: str,
    view: str,
    fresh: Freshness,
    api: str,
    problem: str,
    denied: str,
    alerts: str,
    api_alarm: bool = False,
) -> list[HeaderPart]:
    """The header's parts in display order; every value is sanitised (problems and alerts quote AWS)."""
    account, context, endpoint = safe_str(account), safe_str(context), safe_str(endpoint.split("://", 1)[-1])
    view, problem, denied, alerts = safe_str(view), safe_str(problem), safe_str(denied), safe_str(alerts)
    kind = view.split(" ", 1)[0]
    found = [
        HeaderPart(10, " hybridml ", " hm ", "bold reverse"),
        HeaderPart(9, f" {mode} ", f" {mode.replace('READ-ONLY', 'RO')} ", "bold magenta") if mode else None,
        HeaderPart(10, f"{SEP}:{view} ", f"{SEP}:{kind} ", "bold cyan"),
        HeaderPart(
            10 if fresh.stale else 4,
            f"{SEP}{fresh.text} ",
            f"{SEP}{fresh.text.replace('refreshed ', '')} ",
            "bold red" if fresh.stale else "",
        ),
        # what AWS said is wrong comes before the alerts (it grows to its whole text first when there is room);
        # while the view is stale, the staleness already says why, and the problem gives way first
        HeaderPart(3 if fresh.stale else 8, f"{SEP}⚠ {problem} ", f"{SEP}⚠ {_cut(problem, 24)} ", "bold red")
        if problem
        else None,
        HeaderPart(7, f"{SEP}⛔ no access: {denied} ", f"{SEP}⛔ {denied} ", "bold red") if denied else None,
        HeaderPart(8, f"{SEP}🔔 {alerts} ", f"{SEP}🔔 {alerts.split(':', 1)[0]} ", "bold yellow") if alerts else None,
        HeaderPart(
            5, f"{SEP}{context} ", f"{SEP}{_short_context(context)} ", "bold", f"{SEP}{context.split('@')[-1]} "
        ),
        HeaderPart(
            10 if api_alarm else 7,
            f"{SEP}{api} ",
            f"{SEP}{api.replace('/min', '')} ",
            "bold yellow" if api_alarm else "dim",
        ),
        HeaderPart(2, f"{SEP}{account} ", f"{SEP}…{account[-4:]} ") if account else None,
        HeaderPart(1, f"{SEP}{endpoint} ", f"{SEP}{_cut(endpoint, 18)} ", "yellow") if endpoint else None,
    ]
    return [part for part in found if part is not None]


def fit(parts: list[HeaderPart], width: int) -> Text:
    """Lay the parts out in `width` cells. Most important first, each part is kept in its short form while it
    fits, else in its least (so the lowest priorities go first); then, a step at a time and most important
    first, parts get their longer forms back while room is left. The priority 10
    parts always stay; what still does not fit ends with an ellipsis."""

    def cells(value: str) -> int:
        return Text(value).cell_len

    ranked = sorted(parts, key=lambda p: -p.priority)  # stable: equal priorities keep display order
    kept: set[int] = set()
    chosen: dict[int, int] = {}  # part -> index of its form in forms()
    forms = {id(part): part.forms() for part in parts}
    used = 0
    for part in ranked:  # its short form if it fits, else its least
        own = forms[id(part)]
        short = max(i for i, form in enumerate(own) if cells(form) <= max(cells(part.short), cells(own[0])))
        for step in range(short, -1, -1):
            if (part.priority >= 10 and step == 0) or used + cells(own[step]) <= width:
                kept.add(id(part))
                chosen[id(part)] = step
                used += cells(own[step])
                break
    for _ in range(2):
        for part in ranked:
            own, step = forms[id(part)], chosen.get(id(part), 0)
            if id(part) in kept and step + 1 < len(own):
                grown = used - cells(own[step]) + cells(own[step + 1])
                if grown <= width:
                    chosen[id(part)], used = step + 1, grown
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    for part in parts:
        if id(part) in kept:
            text.append(forms[id(part)][chosen[id(part)]], style=part.style)
    text.truncate(width, overflow="ellipsis")
    return text
