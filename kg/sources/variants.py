"""Sequence variants as reports write them, normalised: protein changes in HGVS three-letter form.

>>> protein_change("V600E"), protein_change("p.(Val600Glu)"), protein_change("G12D")
('p.Val600Glu', 'p.Val600Glu', 'p.Gly12Asp')
"""

from __future__ import annotations

import re

#: IUPAC one-letter amino-acid codes and their three-letter forms (Ter for a stop, as HGVS writes).
THREE = {
    "A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu",
    "G": "Gly", "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe",
    "P": "Pro", "S": "Ser", "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val", "*": "Ter",
    "X": "Ter",
}  # fmt: skip
ONE = {v: k for k, v in THREE.items() if k != "X"}
_AA3 = "|".join(sorted(ONE, key=len, reverse=True))
_ONE_LETTER = re.compile(r"^([A-Z*])(\d+)([A-Z*]|del|dup|fs\*?\d*|=)$")
_THREE_LETTER = re.compile(rf"^({_AA3})(\d+)({_AA3}|del|dup|fs(?:Ter|\*)?\d*|=)$")


def protein_change(text: str) -> str:
    """Normalise a protein change (V600E, p.V600E, p.(Val600Glu)) to HGVS ``p.Val600Glu``.

    Raises ValueError for text that is not a single-residue substitution, deletion,
    duplication or frameshift written in one- or three-letter codes.
    """
    raw = text.strip()
    core = raw[2:] if raw.startswith("p.") else raw
    if core.startswith("(") and core.endswith(")"):
        core = core[1:-1]
    m = _THREE_LETTER.match(core)
    if m:
        return f"p.{m.group(1)}{m.group(2)}{m.group(3)}"
    m = _ONE_LETTER.match(core.upper() if len(core) < 8 else core)
    if m:
        ref, pos, alt = m.groups()
        alt3 = THREE.get(alt, alt.replace("*", "Ter") if alt.startswith("fs") else alt)
        return f"p.{THREE[ref]}{pos}{alt3}"
    raise ValueError(f"cannot read protein change {text!r}")
