"""`drill plan` and the readiness forecast: recall on the interview day and the time it takes.

Each drill's memory (FSRS stability and difficulty) is projected to the interview day. The
plan simulates the schedule drill will actually follow from today (due dates, the desired
retention, the interval cap of days.py, the new drills a day needed to see the bank),
pricing each answer at the person's own measured answer times. The simulation is an
expected value, not a random draw: each review passes with the recall FSRS predicts for
it, costs a pass or a failure in that proportion, and the memory follows a pass; the recall
on the day weighs the last review's pass and lapse. Unseen drills count as not known.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from drills import days
from drills import scheduler as sched
from drills.clock import iso
from drills.model import Question
from drills.store import Store

EPOCH = dt.date(1970, 1, 1)
LONGEST_ANSWER_MS = 30 * 60 * 1000  # an answer left open longer than this is counted as this long
PACE_DAYS = 7                        # "lately": the practice time of the last week, per day
CURVE = (0.70, 0.75, 0.80, 0.85, 0.90, 0.93, 0.95, 0.97)  # desired retentions `drill optimize --retention` tries
HORIZON_DAYS = 365                   # the curve's span without an interview date
BINS = (0.2, 0.4, 0.6, 0.8, 1.0)     # calibration: predicted recall up to each bound


def recall(elapsed_days: float, stability: float, parameters: Sequence[float]) -> float:
    """FSRS-6's forgetting curve: 90% when `elapsed_days` equals the stability."""
    decay = -parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    return (1 + factor * max(0.0, elapsed_days) / stability) ** decay


def recall_area(start: float, end: float, stability: float, parameters: Sequence[float]) -> float:
    """The forgetting curve integrated from `start` to `end` days after a review: days' worth of recall."""
    decay = parameters[20]
    factor = 0.9 ** (1 / -decay) - 1

    def integral(t: float) -> float:
        return stability / (factor * (1 - decay)) * ((1 + factor * max(0.0, t) / stability) ** (1 - decay) - 1)

    return integral(end) - integral(start)


@dataclass(frozen=True)
class Costs:
    """Seconds an answer takes: a drill's first, a pass and a failure (measured, or the target)."""

    new: float
    passed: float
    failed: float


@dataclass(frozen=True)
class Drill:
    """What the forecast knows of one drill in scope."""

    id: str
    topic: str
    tags: tuple[str, ...]
    costs: Costs
    stability: float | None = None  # None: never reviewed
    difficulty: float | None = None
    last_day: int | None = None     # drill day numbers (days.day_numbers)
    due_day: int | None = None


@dataclass(frozen=True)
class Outcome:
    """One drill after the simulated schedule."""

    recall_if_stopped: float  # no more practice from today
    recall: float             # keeping to the schedule
    seconds: float            # answering time the schedule asks of it until the interview
    reviews: float
    mean_recall: float = 0.0  # keeping to the schedule, averaged over every day from today to the interview


@dataclass(frozen=True)
class Group:
    name: str
    drills: int
    seen: int
    recall_if_stopped: float
    recall: float
    minutes_per_day: float


@dataclass(frozen=True)
class Plan:
    interview: dt.date
    days_left: int
    desired: float
    recall_if_stopped: float
    recall: float
    minutes_per_day: float
    pace: float | None            # minutes a day practised lately (None: no practice in that time)
    budget: float | None          # minutes a day to plan for: --minutes, else the pace
    topics: list[Group]
    tags: list[Group]
    drop: list[str] = field(default_factory=list)  # topics to leave out so the plan fits the budget
    after_drop: tuple[float, float] | None = None  # (recall, minutes a day) without them

    @property
    def reached(self) -> bool:
        return self.recall >= self.desired

    @property
    def on_track(self) -> bool:
        return self.pace is not None and self.pace >= self.minutes_per_day

    def header(self) -> str:
        """The one line `drill today` opens with."""
        left = f"{self.days_left} day{'s' if self.days_left != 1 else ''} to go · recall on the day {self.recall:.0%}"
        need = round_minutes(self.minutes_per_day)
        if self.on_track:
            return f"{left} · on track at {need} min/day"
        lately = f" (lately {round_minutes(self.pace)})" if self.pace is not None else ""
        return f"{left} · needs {need} min/day{lately}"


def round_minutes(minutes: float | None) -> int:
    return max(1, math.ceil(minutes - 1e-9)) if minutes else 0


@dataclass(frozen=True)
class CurvePoint:
    retention: float
    minutes_per_day: float
    recall: float  # on the interview day; without one, averaged over the days ahead


@dataclass(frozen=True)
class CalibrationBin:
    low: float
    high: float
    drills: int
    predicted: float
    actual: float


@dataclass(frozen=True)
class Calibration:
    drills: int
    predicted: float   # mean recall the forecast gave
    actual: float      # share answered correctly
    brier: float       # mean squared gap between forecast and outcome (0 is perfect)
    bins: list[CalibrationBin]


# --- reading the store --------------------------------------------------------------------------

def measured_costs(store: Store, questions: Mapping[str, Question]) -> dict[str, Costs]:
    """Answer times per drill from the log: its own averages, else its topic's, else its time
    target. A drill's first review is its 'new' time; the others are passes or failures."""
    sums: dict[tuple[str, str], list[float]] = {}  # (drill or topic, what) -> [seconds, answers]
    topics = {d: "topic:" + q.topic for d, q in questions.items()}
    rows = store.history.answer_times(LONGEST_ANSWER_MS)  # then the first answers by id
    firsts = [(d, ms, ok) for d, ok, ms in store.history.answers_by_id(_first_ids(rows), LONGEST_ANSWER_MS)]
    for drill_id, ok, ms, n in [(d, ok, ms, n) for d, ok, ms, n, _ in rows] + \
            [(d, ok, -ms, -1) for d, ms, ok in firsts] + [(d, "new", ms, 1) for d, ms, _ in firsts]:
        topic = topics.get(drill_id)
        if topic is None:
            continue
        what = "new" if ok == "new" else "passed" if ok else "failed"
        for key in ((drill_id, what), (topic, what)):
            entry = sums.get(key)
            if entry is None:
                entry = sums[key] = [0.0, 0]
            entry[0] += ms / 1000
            entry[1] += n

    def pick(drill_id: str, q: Question, what: str) -> float:
        for key in ((drill_id, what), (topics[drill_id], what)):
            seconds, n = sums.get(key, (0.0, 0))
            if n > 0:
                return seconds / n
        return float(q.time_target)

    return {d: Costs(pick(d, q, "new"), pick(d, q, "passed"), pick(d, q, "failed")) for d, q in questions.items()}


def _first_ids(rows: list[tuple]) -> Iterable[int]:
    """The id of each drill's first review, from (drill_id, ..., min(id)) rows per drill and rating."""
    first: dict[str, int] = {}
    for row in rows:
        drill_id, low = row[0], row[-1]
        if low < first.get(drill_id, low + 1):
            first[drill_id] = low
    return first.values()


def drills_of(store: Store, questions: Mapping[str, Question], rollover_hour: int) -> list[Drill]:
    """Every drill in `questions` with its memory as the store has it; suspended drills left out."""
    costs = measured_costs(store, questions)
    suspended = store.history.suspended()
    cards = {d: c for d, c in store.history.cards().items() if d in questions and c.get("stability")}
    last = dict(zip(cards, days.day_numbers((c["last_review"] for c in cards.values()), rollover_hour), strict=True))
    due = dict(zip(cards, days.day_numbers((c["due"] for c in cards.values()), rollover_hour), strict=True))
    out = []
    for d, q in questions.items():
        if d in suspended:
            continue
        c = cards.get(d)
        out.append(Drill(d, q.topic, tuple(q.tags), costs[d],
                         c["stability"] if c else None, c["difficulty"] if c else None,
                         last[d] if c else None, due[d] if c else None))
    return out


def pace(store: Store, now: dt.datetime, rollover_hour: int) -> float | None:
    """Minutes a day spent answering over the last week (today included), or None without any."""
    first = days.drill_day(now, rollover_hour) - dt.timedelta(days=PACE_DAYS - 1)
    total, n = store.history.time_since(iso(days.start_of(first, rollover_hour)), LONGEST_ANSWER_MS)
    return total / 60000 / PACE_DAYS if n else None


# --- the simulation -----------------------------------------------------------------------------

def simulate(drills: Sequence[Drill], parameters: Sequence[float], today: int, interview: int, retention: float,
             new_per_day: int, learning_steps: int, relearning_steps: int, capped: bool = True) -> dict[str, Outcome]:
    """Each drill's expected outcome from drill day `today` to the morning of `interview` (day
    numbers), reviewing when due at `retention`, new drills introduced `new_per_day` at a time
    in the order given. `capped`: intervals end before `interview`, as they do before a real one."""
    from fsrs_rs_python import FSRS, MemoryState

    model = FSRS(list(parameters))
    decay = parameters[20]
    factor = 0.9 ** (1 / -decay) - 1
    scale = 1 / (factor * (1 - decay))

    def curve(elapsed: float, stability: float) -> tuple[float, float]:
        """Recall `elapsed` days after a review, and its integral since the review (recall_area)."""
        base = 1 + factor * elapsed / stability
        r = base ** -decay
        return r, stability * scale * (base * r - 1)

    def interval(days_: float, day: int) -> int:
        return min(max(1, round(days_)), days.cap_for(interview - day) if capped else days.MAX_INTERVAL_DAYS)

    out: dict[str, Outcome] = {}
    introduced = 0
    for drill in drills:
        c = drill.costs
        seconds = reviews = 0.0
        if drill.stability is None:
            day = today + (introduced // new_per_day if new_per_day else interview)
            introduced += 1
            if day >= interview:
                out[drill.id] = Outcome(0.0, 0.0, 0.0, 0.0)
                continue
            area = 0.0
            states = model.next_states(None, retention, 0)
            seconds += c.new + learning_steps * c.passed  # the first answer, then one per learning step
            reviews += 1 + learning_steps
            for _ in range(learning_steps):
                states = model.next_states(states.good.memory, retention, 0)
            memory, last, lapsed = states.good.memory, day, states.again.memory
            day += interval(states.good.interval, day)
            stopped = 0.0
            last_pass = 1.0
        else:
            # a reviewed drill has all of these
            assert drill.difficulty is not None and drill.last_day is not None and drill.due_day is not None
            memory = MemoryState(drill.stability, drill.difficulty)
            last, day = drill.last_day, max(today, drill.due_day)
            stopped = curve(interview - last, drill.stability)[0]
            lapsed, last_pass = memory, 1.0
            area = -curve(max(0, today - last), drill.stability)[1]  # from today, not from the last review
        while day < interview:
            elapsed = day - last
            p, covered = curve(elapsed, memory.stability)
            area += covered
            states = model.next_states(memory, retention, elapsed)
            seconds += p * c.passed + (1 - p) * (c.failed + relearning_steps * c.passed)
            reviews += 1 + (1 - p) * relearning_steps
            memory, lapsed, last, last_pass = states.good.memory, states.again.memory, day, p
            day += interval(states.good.interval, day)
        on_day, covered = curve(interview - last, memory.stability)
        on_day = last_pass * on_day + (1 - last_pass) * curve(interview - last, lapsed.stability)[0]
        area += covered
        out[drill.id] = Outcome(stopped, on_day, seconds, reviews, area / (interview - today))
    return out


def new_order(drills: Sequence[Drill], questions: Mapping[str, Question]) -> list[Drill]:
    """Seen drills, then unseen ones in the order `drill today` introduces them."""
    from drills.queue import interleave_new

    unseen = {d.id: d for d in drills if d.stability is None}
    order = interleave_new([questions[d] for d in unseen])
    return [d for d in drills if d.stability is not None] + [unseen[d] for d in order]


# --- the plan -----------------------------------------------------------------------------------

def plan(questions: Mapping[str, Question], store: Store, settings: sched.Settings, now: dt.datetime,
         topics: Sequence[str] = (), budget: float | None = None) -> Plan:
    """The forecast for the interview date over `topics` (else the topics setting, else all)."""
    from drills.errors import DrillError
    from drills.queue import in_scope

    if settings.interview_date is None:
        raise DrillError("no interview date: set one with `drill config interview-date YYYY-MM-DD`")
    today = days.drill_day(now, settings.rollover_hour)
    if settings.interview_date <= today:
        raise DrillError("the interview date has passed or is today; set a new one with "
                         "`drill config interview-date YYYY-MM-DD`")
    scope = in_scope(questions, tuple(topics) or settings.topics)
    if not scope:
        raise DrillError("no drills in those topics; see `drill list`")
    drills = new_order(drills_of(store, scope, settings.rollover_hour), scope)
    lately = pace(store, now, settings.rollover_hour)
    return build_plan(drills, settings, today, lately, budget if budget is not None else lately)


def _simulate_for(drills: Sequence[Drill], settings: sched.Settings, today: dt.date,
                  end: dt.date | None = None) -> dict[str, Outcome]:
    """The schedule up to the interview date, or without one up to `end`."""
    unseen = sum(1 for d in drills if d.stability is None)
    quota, _ = sched.new_quota(settings, unseen, today)
    last = settings.interview_date or end
    assert last is not None
    return simulate(drills, sched.parameters_in_use(settings), (today - EPOCH).days, (last - EPOCH).days,
                    settings.desired_retention, quota, len(settings.learning_steps), len(settings.relearning_steps),
                    capped=settings.interview_date is not None)


def build_plan(drills: Sequence[Drill], settings: sched.Settings, today: dt.date, lately: float | None,
               budget: float | None) -> Plan:
    """The plan's arithmetic, from drills already read: a mean recall per group and the seconds
    of the whole schedule spread over the days left."""
    assert settings.interview_date is not None
    days_left = (settings.interview_date - today).days
    outcomes = _simulate_for(drills, settings, today)

    def group(name: str, members: list[Drill]) -> Group:
        got = [outcomes[d.id] for d in members]
        return Group(name, len(members), sum(1 for d in members if d.stability is not None),
                     statistics.fmean(o.recall_if_stopped for o in got), statistics.fmean(o.recall for o in got),
                     sum(o.seconds for o in got) / 60 / days_left)

    by_topic: dict[str, list[Drill]] = {}
    by_tag: dict[str, list[Drill]] = {}
    for d in drills:
        by_topic.setdefault(d.topic, []).append(d)
        for tag in d.tags:
            by_tag.setdefault(tag, []).append(d)
    everything = group("all", list(drills))
    topics = sorted((group(t, m) for t, m in by_topic.items()), key=lambda g: (g.recall, g.name))
    tags = sorted((group(t, m) for t, m in by_tag.items()), key=lambda g: (g.recall, g.name))
    result = Plan(settings.interview_date, days_left, settings.desired_retention, everything.recall_if_stopped,
                  everything.recall, everything.minutes_per_day, lately, budget, topics, tags)
    if budget is None or everything.minutes_per_day <= budget or len(topics) < 2:
        return result
    drop = _to_drop(topics, budget)
    kept = [d for d in drills if d.topic not in drop]
    if not drop or not kept:
        return result
    again = _simulate_for(kept, settings, today)
    return replace(result, drop=drop, after_drop=(statistics.fmean(o.recall for o in again.values()),
                                                  sum(o.seconds for o in again.values()) / 60 / days_left))


def _to_drop(topics: list[Group], budget: float) -> list[str]:
    """Topics to leave out, those giving the least recall on the day per minute first, until the
    rest fits `budget` minutes a day (at least one topic is kept)."""
    def worth(g: Group) -> float:
        return g.recall * g.drills / g.minutes_per_day if g.minutes_per_day else math.inf

    need = sum(g.minutes_per_day for g in topics)
    drop: list[str] = []
    for g in sorted(topics, key=lambda g: (worth(g), g.name)):
        if need <= budget or len(drop) == len(topics) - 1:
            break
        drop.append(g.name)
        need -= g.minutes_per_day
    return drop


def header(questions: Mapping[str, Question], store: Store, settings: sched.Settings, now: dt.datetime) -> str | None:
    """`drill today`'s forecast line, or None without an interview date still to come."""
    if settings.interview_date is None or settings.interview_date <= days.drill_day(now, settings.rollover_hour):
        return None
    from drills.errors import DrillError

    try:
        return plan(questions, store, settings, now).header()
    except (DrillError, ArithmeticError, ValueError, KeyError, TypeError):  # the line never stops a session
        return None


def retention_curve(questions: Mapping[str, Question], store: Store, settings: sched.Settings,
                    now: dt.datetime) -> list[CurvePoint]:
    """Minutes a day and recall at the end, for each desired retention in CURVE: up to the
    interview, or a year ahead without one."""
    from drills.queue import in_scope

    today = days.drill_day(now, settings.rollover_hour)
    if settings.interview_date is not None and settings.interview_date <= today:
        settings = replace(settings, interview_date=None)
    end = settings.interview_date or today + dt.timedelta(days=HORIZON_DAYS)
    scope = in_scope(questions, settings.topics)
    drills = new_order(drills_of(store, scope, settings.rollover_hour), scope)
    points = []
    for r in sorted({*CURVE, settings.desired_retention}):
        outcomes = _simulate_for(drills, replace(settings, desired_retention=r), today, end)
        recall_of = (lambda o: o.recall) if settings.interview_date else (lambda o: o.mean_recall)
        points.append(CurvePoint(r, sum(o.seconds for o in outcomes.values()) / 60 / (end - today).days,
                                 statistics.fmean(map(recall_of, outcomes.values())) if outcomes else 0.0))
    return points


# --- the forecast checked against mock rounds ---------------------------------------------------

def predicted_recall(store: Store, drill_ids: Iterable[str], settings: sched.Settings,
                     now: dt.datetime) -> dict[str, float]:
    """The recall the forecast gives each drill now: FSRS's retrievability, 0 for a drill never seen."""
    ids = list(drill_ids)
    cards = {d: c for d in ids if (c := store.history.card(d)) is not None}
    known = sched.retrievabilities(cards, now, settings)
    return {d: round(known.get(d, 0.0), 4) for d in ids}


def calibration(pairs: Sequence[tuple[float, int]]) -> Calibration | None:
    """How the recall forecast for mock drills compared with their verdicts, overall and in bins."""
    if not pairs:
        return None
    bins = []
    low = 0.0
    for high in BINS:
        inside = [(p, ok) for p, ok in pairs if low <= p < high or (high == 1.0 and p == 1.0)]
        if inside:
            bins.append(CalibrationBin(low, high, len(inside), statistics.fmean(p for p, _ in inside),
                                       statistics.fmean(ok for _, ok in inside)))
        low = high
    return Calibration(len(pairs), statistics.fmean(p for p, _ in pairs), statistics.fmean(ok for _, ok in pairs),
                       statistics.fmean((p - ok) ** 2 for p, ok in pairs), bins)
