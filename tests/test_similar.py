"""Near-duplicate drills: `drill validate` warns about a copy, however it is worded."""

from __future__ import annotations

from drills.model import Question
from drills.similar import near_duplicates


def numeric(drill_id: str, prompt: str, solution: str) -> Question:
    return Question(id=drill_id, kind="numeric", title=drill_id, topic="probability", prompt=prompt,
                    solution=solution)


def test_the_same_numbers_and_answer_in_other_words_are_flagged():
    a = numeric("p/left-out", "A bootstrap sample draws 10 rows with replacement from 10 rows. What share "
                              "of the rows is never drawn, on average?", "(9/10)**10")
    b = numeric("p/out-of-bag", "Resampling 10 of 10 observations with replacement: the expected "
                                "fraction that is out of bag?", "0.9**10")
    (match,) = near_duplicates([b], [a, b])
    assert match.other.id == "p/left-out" and match.field == "answer"
    assert "the answer and the prompt's numbers are those of p/left-out" in match.message()


def test_other_numbers_or_another_answer_are_not_duplicates():
    a = numeric("p/a", "Two fair dice are rolled 3 times in 4 rounds. Chance of a seven?", "1/6")
    other_numbers = numeric("p/b", "In 5 games you throw 2 dice each: probability the total is seven?", "1/6")
    other_answer = numeric("p/c", "Over 4 rounds of 3 throws of a pair of dice: how likely is eleven?", "1/18")
    one_number = numeric("p/d", "A die is rolled 3 times: chance of no six?", "1/6")
    assert near_duplicates([other_numbers, other_answer, one_number], [a, other_numbers, other_answer, one_number]) \
        == []
