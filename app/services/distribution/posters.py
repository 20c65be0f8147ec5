"""Branch QR posters: a printed code per branch and touchpoint, leading to an anonymous survey.

A poster's token is the only thing in its URL: random, short enough for a QR code that scans
from across a counter, and carrying no customer, so the picture can hang on a wall. A poster is
never deleted, only retired: the codes already printed then lead to a "no longer in use" page,
and the answers it collected keep their branch. Every change is on the audit log.
"""

from __future__ import annotations

import io
import secrets
from datetime import datetime

import segno
import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from app.models import BranchPoster, PosterAnswer, Touchpoint
from app.services.database.paging import Page, page_of
from app.services.governance.edits import apply_edit

TOKEN_BYTES = 9  # 12 URL-safe characters: 72 random bits, a small (version 2-3) QR code
EDITABLE = frozenset({"token", "touchpoint_id", "branch"})
RETIRED = frozenset({"retired_at"})
# Error correction "M" survives a scuffed or partly covered print (15 %); the printed poster
# shows the code at about 8 cm, so each module is a few millimetres at this scale.
ERROR_LEVEL = "m"
PNG_SCALE = 16
SVG_SCALE = 8


def subject_of(poster: BranchPoster) -> str:
    """The poster's name on the audit log."""
    return f"poster:{poster.id}"


def poster_url(base_url: str, token: str) -> str:
    """Where the poster's QR code leads: the public address of its anonymous survey."""
    return f"{base_url.rstrip('/')}/q/{token}"


def create_poster(session: Session, touchpoint_id: int, branch: str, *, actor: str) -> BranchPoster:
    """A new poster for an active touchpoint at a branch, with a fresh random token."""
    poster = BranchPoster()
    session.add(poster)
    apply_edit(
        session,
        poster,
        {
            "token": secrets.token_urlsafe(TOKEN_BYTES),
            "touchpoint_id": touchpoint_id,
            "branch": branch,
        },
        EDITABLE,
        actor=actor,
        action="poster.create",
        subject=lambda: subject_of(poster),
    )
    return poster


def retire_poster(session: Session, poster: BranchPoster, *, now: datetime, actor: str) -> bool:
    """Stop the poster taking answers; False when it was retired already (nothing logged)."""
    if poster.retired_at is not None:
        return False
    apply_edit(
        session,
        poster,
        {"retired_at": now},
        RETIRED,
        actor=actor,
        action="poster.retire",
        subject=subject_of(poster),
    )
    return True


def active_poster(session: Session, token: str) -> BranchPoster | None:
    """The poster a scanned code names, with its touchpoint; None when unknown or retired."""
    return session.scalar(
        sa.select(BranchPoster)
        .options(joinedload(BranchPoster.touchpoint))
        .where(BranchPoster.token == token, BranchPoster.retired_at.is_(None))
    )


def find_posters(session: Session, search: str, number: int) -> Page[BranchPoster]:
    """One page of posters, those in use first, newest first; by branch or touchpoint name."""
    query = (
        sa.select(BranchPoster)
        .join(Touchpoint, Touchpoint.id == BranchPoster.touchpoint_id)
        .options(joinedload(BranchPoster.touchpoint))
        .order_by(BranchPoster.retired_at.is_not(None), BranchPoster.id.desc())
    )
    if search:
        wanted = search.lower()
        query = query.where(
            sa.or_(
                *(
                    sa.func.lower(column).contains(wanted, autoescape=True)
                    for column in (BranchPoster.branch, Touchpoint.name, Touchpoint.name_zh)
                )
            )
        )
    return page_of(session, query, number)


def answer_counts(session: Session, poster_ids: list[int]) -> dict[int, int]:
    """How many answers each poster has collected, counted in SQL."""
    rows = session.execute(
        sa.select(PosterAnswer.poster_id, sa.func.count())
        .where(PosterAnswer.poster_id.in_(poster_ids))
        .group_by(PosterAnswer.poster_id)
    )
    return {poster_id: count for poster_id, count in rows}


def active_touchpoints(session: Session) -> list[Touchpoint]:
    """The touchpoints a new poster may ask about, by name."""
    return list(
        session.scalars(sa.select(Touchpoint).where(Touchpoint.active).order_by(Touchpoint.name))
    )


def qr_png(url: str) -> bytes:
    """The QR code of `url` as a PNG, large enough to print sharply."""
    out = io.BytesIO()
    segno.make(url, error=ERROR_LEVEL).save(out, kind="png", scale=PNG_SCALE, border=4)
    return out.getvalue()


def qr_svg(url: str) -> bytes:
    """The QR code of `url` as an SVG, which prints sharp at any size."""
    out = io.BytesIO()
    segno.make(url, error=ERROR_LEVEL).save(
        out, kind="svg", scale=SVG_SCALE, border=4, title="QR", xmldecl=True
    )
    return out.getvalue()
