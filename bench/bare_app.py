"""The bare endpoints benchmarks are measured against: the ceiling of Flask on this machine.

`GET /read` returns a constant string; `POST /write` inserts one response-sized row (a few
ints and the posted comment) in one transaction. Served by gunicorn like the real app, on the
database in `DATABASE_URL`, with the app's own SQLite pragmas, so a ratio to these measures
what the app adds, not what the machine or the database costs.
"""

from __future__ import annotations

import os

import sqlalchemy as sa
from flask import Flask, request

from app.services.database.sqlite import tune_sqlite

metadata = sa.MetaData()
bare_response = sa.Table(
    "bare_response",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("touchpoint_id", sa.Integer, nullable=False),
    sa.Column("department_id", sa.Integer, nullable=False),
    sa.Column("survey_version", sa.Integer, nullable=False),
    sa.Column("nps", sa.Integer),
    sa.Column("comment", sa.Text, nullable=False),
)


def make_engine(url: str) -> sa.Engine:
    """An engine tuned like the app's: WAL, synchronous=NORMAL and a busy timeout on SQLite."""
    engine = sa.create_engine(url)
    if engine.dialect.name == "sqlite":
        tune_sqlite(engine)
    return engine


def create_table(engine: sa.Engine) -> None:
    """Create the table; a worker that loses the creation race to its sibling carries on."""
    try:
        metadata.create_all(engine)
    except sa.exc.DBAPIError:
        if not sa.inspect(engine).has_table(bare_response.name):
            raise


engine = make_engine(os.environ["DATABASE_URL"])
create_table(engine)
app = Flask(__name__)


@app.get("/read")
def read() -> str:
    return "ok"


@app.post("/write")
def write() -> tuple[str, int]:
    with engine.begin() as connection:
        connection.execute(
            bare_response.insert().values(
                touchpoint_id=1,
                department_id=1,
                survey_version=1,
                nps=int(request.form["nps"]),
                comment=request.form["comment"],
            )
        )
    return "stored", 201
