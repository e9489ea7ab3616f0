"""The RBM's pictures a page at a time where they do not all fit (the receptive fields at 80×24, the
digits' dreams and completions at 120×40): each page is whole rows of pictures, never a row cut, and
the title says which page this is and what the next holds (click it, or PgDn with the panel focused:
Tab); a page with a row to spare says it under its pictures too. Where everything fits, one page.
The autoencoder's input and weight tiles are paged alike (PagedParts)."""
from dataclasses import dataclass

from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.ae.pictures import HEADING, fit
from dlsim.tui.widgets.image.paging import Paged
from dlsim.tui.widgets.panel import Cells, Titles


@dataclass
class Part:
    name: str                    # what a title calls it: "dreams", "fields"
    groups: list[list[Cells]]    # lines kept together: a heading with the first row of pictures, a row with its names
    said: str = ""               # how a note names it ("receptive fields"); the name where empty
    short: str = ""              # what a narrow title keeps of the name, rather than drop it ("sample 3")

    @property
    def lines(self) -> list[Cells]:
        return [line for group in self.groups for line in group]


def picture_rows(lines: list[Cells], per_row: int, heading: list[Cells] = ()) -> list[list[Cells]]:
    """`tiled`'s lines as its rows of pictures (each `per_row` lines: names, then the pictures), the
    `heading` kept with the first."""
    rows = [lines[k:k + per_row] for k in range(0, len(lines), per_row)]
    if heading:
        rows = [list(heading) + rows[0], *rows[1:]] if rows else [list(heading)]
    return rows


def paginate(parts: list[Part], height: int, width: int) -> list[tuple[list[Part], list[Cells]]]:
    """The pages: (the parts on it, its lines), each page as many whole groups as fit in `height` (a
    group taller than the panel cut to it, saying how many rows are out of view)."""
    pages: list[tuple[list[Part], list[Cells]]] = []
    on, lines = [], []
    for part in parts:
        for group in part.groups:
            if lines and len(lines) + len(group) > height:
                pages.append((on, lines))
                on, lines = [], []
            lines += fit(group, height, width)
            if part not in on:
                on.append(part)
    if lines or not pages:
        pages.append((on, lines))
    return pages


def page_titles(page: int, pages: list[tuple[list[Part], list[Cells]]]) -> tuple[str, ...]:
    """The title's forms for `page` of several: what is on it, which page, what the next holds."""
    here = " · ".join(part.name for part in pages[page][0])
    after = pages[(page + 1) % len(pages)][0]
    nxt = " · ".join(part.name for part in after) or "more"
    at = f"{page + 1}/{len(pages)}"
    # PgDn turns it only where the panel has the focus (else it turns the heatmap's tabs): "click" kept
    first = pages[page][0][0].name if pages[page][0] else ""
    short = pages[page][0][0].short if pages[page][0] else ""
    # a part with a short name (the sample in hand) keeps it before the turning hint is given up
    kept = ((f"{short} · {at} · click/PgDn: {nxt}", f"{short} · {at} · click/PgDn", f"{short} · {at}")
            if short else ())
    return (f"{here} · {at} · click/PgDn: {nxt}", f"{here} · click/PgDn: {nxt}",
            f"{first} · {at} · click/PgDn: {nxt}", *kept, f"{at} · click/PgDn: {nxt}", f"{at} · click/PgDn: more",
            f"{at} · click/PgDn", at)


def joined(titles: Titles, subtitles: Titles) -> tuple[str, ...]:
    """Each title form with each subtitle form after it, the title's fullest first: the forms of a
    compact panel's one rule (Panel.set_titles' together), so a subtitle stays in view at 80×24."""
    titles = (titles,) if isinstance(titles, str) else titles
    subtitles = (subtitles,) if isinstance(subtitles, str) else subtitles
    return tuple(f"{title} · {subtitle}" for title in titles for subtitle in subtitles if subtitle)


def next_page_note(page: int, pages: list[tuple[list[Part], list[Cells]]], width: int) -> Cells:
    """'▼ receptive fields: the next page (click here, or Tab and PgDn)', in words that fit: what the
    next page adds (more of a part this page began, where it adds none)."""
    here, after = pages[page][0], pages[page + 1][0]
    new = [part for part in after if all(part is not h for h in here)]
    what = " · ".join(part.said or part.name for part in new) or f"more {after[0].said or after[0].name}"
    return [(st.first_fitting((f"▼ {what}: the next page (click here, or Tab and PgDn)",
                               f"▼ {what}: click or PgDn", f"▼ {what}: PgDn", "▼ PgDn"), width), HEADING)]


class PagedParts(Paged):
    """A panel of parts (pictures under their headings) shown a page at a time where they do not all
    fit: the title says which page and what the next holds, a spare row says it too."""

    def paged(self, parts: list[Part], title: Titles, subtitle: Titles, width: int, height: int,
              together: Titles | None = None) -> list[Cells]:
        """The page shown of `parts` (one where all fit, titled `title`; compact, `together` or the
        title joined with `subtitle`), its title saying which page and what the next holds, the
        subtitle joined to it where the panel is compact, and a note under its pictures where a row
        is spare."""
        pages = paginate(parts, height, width)
        self.pages = len(pages)
        self.page %= self.pages
        wanted = getattr(self.view, "turn_to", None)   # a part a lesson step speaks of: its page, once
        if wanted is not None and height > 1:
            self.view.turn_to = None
            self.page = next((k for k, (kept, _) in enumerate(pages) if any(p.name == wanted for p in kept)),
                             self.page)
        lines = pages[self.page][1]
        if self.pages == 1:
            self.set_titles(title, subtitle, joined(title, subtitle) if together is None else together)
            return lines
        forms = page_titles(self.page, pages)
        self.set_titles(forms, subtitle, joined(forms, subtitle))
        if self.page + 1 < self.pages and len(lines) < height:
            lines = lines + [next_page_note(self.page, pages, width)]
        return lines
