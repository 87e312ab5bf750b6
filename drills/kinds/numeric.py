"""Numeric drills: one number or exact expression, compared with the reference's exact value."""

from __future__ import annotations

from drills.kinds import Kind
from drills.model import Question, Verdict

FIELDS: dict[str, dict] = {
    "tolerance": {
        "description": "an absolute tolerance replacing the default rule (the exact value, or it rounded or "
                       "truncated to at least 3 significant digits); only for a reference known approximately, "
                       "such as a simulated one.",
        "type": "number", "exclusiveMinimum": 0,
    },
}


class NumericKind(Kind):
    name = "numeric"
    title = "numeric (probability, statistics, ML)"
    default_topic = "probability"
    fields = FIELDS
    required = ("hints", "wrong_answers")
    min_wrong_answers = 1
    one_line = True

    def judge(self, question: Question, answer: str) -> Verdict:
        from drills.judge import numeric

        return numeric.judge(question, answer)

    def does_not_run(self, question: Question, text: str, verdict: Verdict) -> str:
        return verdict.message  # the numeric judge says `error` only for an answer it cannot read


KIND = NumericKind()
