"""The five source documents (../shared/seeds/): key, seed file, title, authors, year, claim-id prefix.

Titles and authors as each document's first lines state them; a year the document does not print
is the year of its public listing, or "undated".  A clone without the seed files can still tell
which paper a claim comes from; the seed file and line range stay as the secondary pointer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Document:
    key: str  # "000" .. "004"
    seed: str  # file name in ../shared/seeds/
    title: str
    authors: str
    year: str
    prefix: str  # claim ids of this document start with "<prefix>."

    @property
    def short(self) -> str:
        """E.g. 'Hayou et al. 2019'."""
        first = self.authors.split(",")[0].split(" and ")[0].strip()
        if not first[:1].isupper():  # "anonymous authors"
            return f"Anonymous, {self.year}"
        many = "," in self.authors or " and " in self.authors
        return f"{first.split()[-1]}{' et al.' if many else ''} {self.year}"

    def citation(self) -> str:
        return f"{self.title} ({self.authors}, {self.year})"


DOCUMENTS = {d.key: d for d in (
    Document("000", "000_f7801e5ab975f0a8.txt",
             "Understanding the Role of Depth in the Neural Tangent Kernel for Overparameterized Neural Networks",
             "anonymous authors", "undated", "depth_ntk"),
    Document("001", "001_018e0351582ed44f.txt",
             "Mean-field Behaviour of Neural Tangent Kernel for Deep Neural Networks",
             "Soufiane Hayou, Arnaud Doucet, Judith Rousseau", "2019", "hayou"),
    Document("002", "002_49fd9c726352dc08.txt",
             "Neural Tangent Kernel: Convergence and Generalization in Neural Networks",
             "Arthur Jacot, Franck Gabriel, Clement Hongler", "2018", "jacot"),
    Document("003", "003_6d8c861835333795.txt",
             "Neural Tangent Kernel Analysis of Deep Narrow Neural Networks (master's thesis, Seoul National University)",
             "Jongmin Lee", "2023", "narrow"),
    Document("004", "004_e455a6db90f532d1.txt",
             "Paper Review: Neural Tangent Kernel",
             "Beomsu Kim", "2021", "review"),
)}

SEEDS = {key: d.seed for key, d in DOCUMENTS.items()}

# A title that starts with what the paper prints ("Theorem 2: ...", "Appendix Lemma 1: ...",
# "eq. (18) ...") carries the claim's label.
_LABEL = re.compile(
    r"(?i)^((?:Appendix |App\. )?(?:Theorem|Proposition|Lemma|Corollary|Fact|Figure|Fig\.|Table|Definition|Remark|"
    r"Section|Sec\.|Footnote|Assumption|Example|Algorithm|Eq\.|eq\.|Equation|Appendix)\s*[A-Z]?[\d.()]*[a-z]?"
    r"(?:\s*\(\w+\))?)")


def document_of_seed(seed: str):
    """The Document of a seed file name (or its three-digit key), else None."""
    key = str(seed)[:3]
    doc = DOCUMENTS.get(key)
    return doc if doc and str(seed) in (doc.seed, doc.key, doc.seed[:-4]) else None


# Claim-id components that name a printed label: "app_lemma6" -> "Appendix Lemma 6".
_ID_LABEL = re.compile(r"^(app_)?(theorem|prop|lemma|corollary|fact|figure|fig|table|remark|footnote|sec|eq|def)"
                       r"(\d+[a-z]?)$")
_ID_WORD = {"prop": "Proposition", "fig": "Figure", "sec": "Section", "eq": "eq.", "def": "Definition"}


def label_from_title(title: str) -> str:
    """'Fact 14: coefficient s ...' -> 'Fact 14'; '' when the title names no printed label."""
    m = _LABEL.match((title or "").strip())
    label = m.group(1).strip() if m else ""
    if not (any(ch.isdigit() for ch in label) or label.endswith(")")):
        return ""
    return label[:1].upper() + label[1:]


def label_from_id(claim_id: str) -> str:
    """'jacot.theorem1.ntk_limit' -> 'Theorem 1'; '' when no component names a printed label."""
    for part in claim_id.split(".")[1:]:
        m = _ID_LABEL.match(part)
        if m:
            word = _ID_WORD.get(m.group(2), m.group(2).capitalize())
            number = f"({m.group(3)})" if word == "eq." else m.group(3)
            return ("Appendix " if m.group(1) else "") + f"{word} {number}"
    return ""


def select_document(token: str):
    """The Document a selection token names: '003', a seed file name (with or without .txt), or a
    claim-id prefix such as 'hayou' (not 'hayou.fact14', which selects claims)."""
    t = token.strip().rstrip("*").rstrip(".")
    for d in DOCUMENTS.values():
        if t in (d.key, d.seed, d.seed[:-4], d.prefix):
            return d
    return None
