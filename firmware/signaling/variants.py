"""MFC/R2 variants as data: what each register signal means, per country.

A variant is a table, not code. The register state machines (register.py) look meanings up
here; a new national variant is one more ``Variant(...)`` entry in ``VARIANTS``.

Tables (signal numbers 1..15, as in Q.441; design.md section 4):

- ``requests``  meaning -> group A signal the backward (incoming) register sends:
  next_dnis, next_ani, category, change_to_b, accept (address complete, charge, set up
  speech: accept without group B), congestion, dnis_minus_1/2/3 (send again the last but
  N digit). One signal may carry two meanings (ITU A-5: category, then next ANI digit;
  China A-1: next DNIS digit, and next ANI digit once the category was sent); the forward
  side tells them apart by the rule in register.py.
- ``results``   meaning -> group B signal: accept_charge, accept_free, busy, congestion,
  unallocated, out_of_order, sit (special information tone).
- ``categories`` group II signal -> calling party category name.
- ``end_of_dnis`` / ``end_of_ani`` / ``ani_restricted``: group I signals (None = the variant
  has none: the backward side times out instead, then resumes with a pulsed signal).
- ``cd_bits``: C and D bits sent with every line signal (ITU 01, China 11).
- ``ani_first``: after the first DNIS digit, ask the category and ANI before the rest of
  the DNIS (China No.1 practice, OpenR2's default).

Line signalling (Q.421, AB bits, forward / backward) is the same in every variant; the
constants are in line.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field

DIGIT_SIGNALS = {str(d): d for d in range(1, 10)} | {"0": 10}
SIGNAL_DIGITS = {v: k for k, v in DIGIT_SIGNALS.items()}

REQUESTS = ("next_dnis", "next_ani", "category", "change_to_b", "accept", "congestion",
            "dnis_minus_1", "dnis_minus_2", "dnis_minus_3")
RESULTS = ("accept_charge", "accept_free", "busy", "congestion", "unallocated", "out_of_order", "sit")
#: results that accept the call; every other result rejects it
ACCEPTS = ("accept_charge", "accept_free")
#: the reasons the call logic may give when it rejects an incoming call
REJECT_CAUSES = ("busy", "congestion", "unallocated", "out_of_order", "sit")

ITU_CATEGORIES = {1: "national", 2: "national_priority", 3: "maintenance", 5: "operator",
                  6: "data", 7: "international", 8: "international_data",
                  9: "international_priority", 10: "operator_transfer"}


@dataclass(frozen=True)
class Variant:
    name: str
    description: str
    cd_bits: int
    requests: dict[str, int]
    results: dict[str, int]
    categories: dict[int, str] = field(default_factory=lambda: dict(ITU_CATEGORIES))
    end_of_dnis: int | None = 15
    end_of_ani: int | None = 15
    ani_restricted: int | None = None
    ani_first: bool = True

    # -- lookups ---------------------------------------------------------------------------
    def request_meanings(self, signal: int) -> list[str]:
        """Meanings a group A signal may carry, in REQUESTS order."""
        return [m for m in REQUESTS if self.requests.get(m) == signal]

    def result_of(self, signal: int) -> str | None:
        """Meaning of a group B signal (the first listed in RESULTS order), or None."""
        return next((m for m in RESULTS if self.results.get(m) == signal), None)

    def category_signal(self, category: str) -> int:
        for signal, name in self.categories.items():
            if name == category:
                return signal
        raise ValueError(f"category: {category!r} is not one of {', '.join(self.categories.values())}")

    def category_name(self, signal: int) -> str:
        return self.categories.get(signal, f"II-{signal}")

    def describe(self) -> dict:
        """The table as plain data (for `e1desk r2 variants --json`)."""
        return {"name": self.name, "description": self.description, "cd_bits": f"{self.cd_bits:02b}",
                "group_a": {m: self.requests[m] for m in REQUESTS if m in self.requests},
                "group_b": {m: self.results[m] for m in RESULTS if m in self.results},
                "group_ii": {str(k): v for k, v in sorted(self.categories.items())},
                "end_of_dnis": self.end_of_dnis, "end_of_ani": self.end_of_ani,
                "ani_restricted": self.ani_restricted, "ani_first": self.ani_first}


ITU = Variant(
    name="itu", description="ITU-T Q.421/Q.441 (international)", cd_bits=0b01,
    requests={"next_dnis": 1, "dnis_minus_1": 2, "change_to_b": 3, "congestion": 4,
              "category": 5, "next_ani": 5, "accept": 6, "dnis_minus_2": 7, "dnis_minus_3": 8},
    results={"sit": 2, "busy": 3, "congestion": 4, "unallocated": 5, "accept_charge": 6,
             "accept_free": 7, "out_of_order": 8},
)

CHINA = Variant(
    name="china", description="China No.1 signalling", cd_bits=0b11,
    requests={"next_dnis": 1, "next_ani": 1, "change_to_b": 3, "congestion": 4, "category": 6},
    results={"accept_charge": 1, "busy": 2, "congestion": 4, "unallocated": 5, "accept_free": 7,
             "out_of_order": 8},
    end_of_dnis=None,
)

BRAZIL = Variant(
    name="brazil", description="Brazil (Anatel MFC/R2)", cd_bits=0b01,
    requests={"next_dnis": 1, "dnis_minus_1": 2, "change_to_b": 3, "congestion": 4,
              "category": 5, "next_ani": 5, "dnis_minus_2": 7, "dnis_minus_3": 8},
    results={"accept_charge": 1, "busy": 2, "congestion": 4, "accept_free": 5, "unallocated": 7,
             "out_of_order": 8},
    categories=dict(ITU_CATEGORIES) | {8: "collect_call"},
    end_of_dnis=None, ani_restricted=12,
)

VARIANTS = {v.name: v for v in (ITU, CHINA, BRAZIL)}
#: board profile protocol name -> variant
PROTOCOLS = {"r2-itu": "itu", "r2-china": "china", "r2-brazil": "brazil"}


def get_variant(name: str) -> Variant:
    """A variant by name ("itu", "china"...) or by profile protocol ("r2-china")."""
    key = PROTOCOLS.get(name, name)
    if key not in VARIANTS:
        raise ValueError(f"variant: {name!r} is not one of {', '.join(VARIANTS)}")
    return VARIANTS[key]


def digit_signal(digit: str) -> int:
    if digit not in DIGIT_SIGNALS:
        raise ValueError(f"digit: {digit!r} is not a decimal digit")
    return DIGIT_SIGNALS[digit]
