"""Queries on explainer's tables, one small repository per kind of record."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from types import SimpleNamespace
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import (
    ColumnElement,
    String,
    Table,
    any_,
    bindparam,
    case,
    exists,
    func,
    insert,
    literal,
    null,
    select,
    text,
    type_coerce,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from services.explainer.adapters import tables as t
from shared.db import Staging, insert_rows, insert_unless_present, is_postgresql, next_ids

PARKED, EXPLAINED = "parked", "explained"


_TEXTS = ARRAY(String)
# The batch lookups, built once per dialect (see _lookup).
_LOOKUPS: dict[tuple[str, str], Any] = {}


def _lookup(
    session: Session, name: str, build: Callable[[Callable[[Any, str], ColumnElement[bool]]], Any]
) -> Any:
    """The statement `build(among)` for this session's dialect, built once per process.

    `among(column, parameter)` says that the column holds one of the list passed as that
    parameter: one array parameter on PostgreSQL (it plans faster than an IN list of a few
    hundred), an IN list elsewhere. A consumer batch runs a few of these lookups; building and
    keying a statement anew each time cost about as much as running it.
    """
    dialect = session.get_bind().dialect.name
    key = (name, dialect)
    if key not in _LOOKUPS:

        def among(column: Any, parameter: str) -> ColumnElement[bool]:
            if dialect == "postgresql":
                return column == any_(bindparam(parameter, type_=_TEXTS))
            return column.in_(bindparam(parameter, expanding=True))

        _LOOKUPS[key] = build(among)
    return _LOOKUPS[key]


class _Staged:
    """New rows of one table held until the commit, with primary keys drawn beforehand.

    PostgreSQL draws the ids from the table's sequence, as many at once as the batch has
    messages; SQLite, whose write lock the transaction holds from its start, counts on from
    the largest id.
    """

    def __init__(self, session: Session, table: Table) -> None:
        self._session = session
        self._table = table
        self._staging: Staging | None = None
        self._expected = 1
        self._rows: list[dict[str, Any]] = []
        self._free: list[int] = []
        self._next: int | None = None

    @property
    def active(self) -> bool:
        return self._staging is not None

    def start(self, staging: Staging, ids: list[int], expected: int) -> None:
        """Stage the rows added from now on, taking first these ids, drawn beforehand from the
        table's sequence (PostgreSQL), then as many at once as `expected` rows."""
        self._staging = staging
        self._expected = max(1, expected)
        self._free = ids[::-1] + self._free
        staging.hold(self)

    def add(self, values: dict[str, Any]) -> dict[str, Any]:
        """The row as it will be written, its id included."""
        assert self._staging is not None
        self._staging.hold(self)
        row = {"id": self._take_id(), **values}
        self._rows.append(row)
        return row

    def write(self) -> None:
        rows, self._rows = self._rows, []
        insert_rows(self._session, self._table, rows)

    def drop(self) -> None:
        self._rows = []

    def _take_id(self) -> int:
        if not is_postgresql(self._session):
            if self._next is None:
                self._next = (
                    int(
                        self._session.scalar(select(func.coalesce(func.max(self._table.c.id), 0)))
                        or 0
                    )
                    + 1
                )
            self._next += 1
            return self._next - 1
        if not self._free:
            self._free = next_ids(self._session, self._table, self._expected)[::-1]
        return self._free.pop()


# Registry entries by (administration, id, version, revision, received_at), shared by the units
# of work of the process: a stored version's document only changes with a new revision, saved at
# a new time, and reading it again for every consumer batch costs more than the query that tells
# both.
_DOCUMENTS: dict[tuple[Any, ...], dict[str, Any]] = {}
_DOCUMENTS_LIMIT = 256

# An algorithm version's key: (administration, id, version). Ids are each administration's own.
AlgorithmKey = tuple[str, str, str]


_BOTH_IDS = text(
    "SELECT nextval(pg_get_serial_sequence('decisions', 'id')), "
    "nextval(pg_get_serial_sequence('explanations', 'id')) FROM generate_series(1, :count)"
)


def draw_ids(session: Session, count: int) -> tuple[list[int], list[int]]:
    """PostgreSQL: `count` ids of decisions and of explanations, in one round trip."""
    rows = session.execute(_BOTH_IDS, {"count": count}).all()
    return [int(row[0]) for row in rows], [int(row[1]) for row in rows]


def _keys(wanted: set[AlgorithmKey]) -> dict[str, list[str]]:
    """The lookup parameters of a set of keys (each column among its values; the rows found
    are then filtered on the whole key)."""
    return {
        "administrations": sorted({key[0] for key in wanted}),
        "ids": sorted({key[1] for key in wanted}),
        "versions": sorted({key[2] for key in wanted}),
    }


class AlgorithmRepository:
    """Remembers each version for the transaction: a batch of decisions shares a few."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._seen: dict[AlgorithmKey, Any] = {}

    def get(self, key: AlgorithmKey) -> Any:
        """The stored version (its columns, the document read once per process and revision:
        every reading of a page needs it), or None."""
        if key not in self._seen:
            self.prefetch([key])
        return self._seen[key]

    def prefetch(self, keys: Iterable[AlgorithmKey]) -> None:
        """Look these versions up at once; get() then answers from memory."""
        wanted = {key for key in keys if key not in self._seen}
        if not wanted:
            return
        v = t.algorithm_versions
        query = _lookup(
            self._session,
            "algorithm_versions",
            lambda among: select(*(c for c in v.c if c is not v.c.document)).where(
                among(v.c.administration, "administrations"),
                among(v.c.algorithm_id, "ids"),
                among(v.c.version, "versions"),
            ),
        )
        rows = [
            row for row in self._session.execute(query, _keys(wanted)) if _key_of(row) in wanted
        ]
        unread = {row.id: row for row in rows if _document_key(row) not in _DOCUMENTS}
        if unread:
            if len(_DOCUMENTS) + len(unread) > _DOCUMENTS_LIMIT:
                _DOCUMENTS.clear()
            for pk, document in self._session.execute(
                select(v.c.id, v.c.document).where(v.c.id.in_(sorted(unread)))
            ):
                _DOCUMENTS[_document_key(unread[pk])] = document
        self._seen.update(dict.fromkeys(wanted))
        for row in rows:
            self._seen[_key_of(row)] = SimpleNamespace(
                **row._mapping, document=_DOCUMENTS[_document_key(row)]
            )

    def remember(self, key: AlgorithmKey, row: Any) -> None:
        """What get(key) answers, from a query that already read the version's columns
        (`DecisionRepository.for_reading`: `version_id`, `version_revision`,
        `version_received_at`, all None when the version is not registered). Its document is
        read only when this process does not hold it yet."""
        if row.version_id is None:
            self._seen[key] = None
            return
        columns = {
            "id": row.version_id,
            "administration": key[0],
            "algorithm_id": key[1],
            "version": key[2],
            "revision": row.version_revision,
            "received_at": row.version_received_at,
        }
        document_key = (*key, columns["revision"], columns["received_at"])
        document = _DOCUMENTS.get(document_key)
        if document is None:
            v = t.algorithm_versions
            document = self._session.execute(
                select(v.c.document).where(v.c.id == row.version_id)
            ).scalar_one()
            if len(_DOCUMENTS) >= _DOCUMENTS_LIMIT:
                _DOCUMENTS.clear()
            _DOCUMENTS[document_key] = document
        self._seen[key] = SimpleNamespace(**columns, document=document)

    def save(self, document: dict[str, Any], revision: int, now: datetime) -> None:
        key = (document["administration"], document["id"], document["version"])
        values = {"revision": revision, "document": document, "received_at": now}
        existing = self.get(key)
        self._seen.pop(key, None)
        kept = t.algorithm_revisions
        if self.at_revision(key, revision) is None:
            self._session.execute(
                insert(kept).values(
                    administration=key[0],
                    algorithm_id=key[1],
                    version=key[2],
                    revision=revision,
                    document=document,
                    received_at=now,
                )
            )
        if existing is None:
            self._session.execute(
                insert(t.algorithm_versions).values(
                    administration=key[0], algorithm_id=key[1], version=key[2], **values
                )
            )
        else:
            self._session.execute(
                update(t.algorithm_versions)
                .where(t.algorithm_versions.c.id == existing.id)
                .values(**values)
            )

    def at_revision(self, key: AlgorithmKey, revision: int) -> dict[str, Any] | None:
        """The registry entry as it was at this revision (the latest one answers from the
        version's row, which get() may already hold)."""
        current = self._seen.get(key)
        if current is not None and current.revision == revision:
            return dict(current.document)
        kept = t.algorithm_revisions
        document = self._session.execute(
            select(kept.c.document).where(
                kept.c.administration == key[0],
                kept.c.algorithm_id == key[1],
                kept.c.version == key[2],
                kept.c.revision == revision,
            )
        ).scalar_one_or_none()
        return None if document is None else dict(document)


# Stored wording scores, by database (engine) then wording: they never change once stored.
_SCORES: WeakKeyDictionary[Any, dict[tuple[str, str, str, int, str], float]] = WeakKeyDictionary()


class WordingRepository:
    """The readability of each wording (algorithm version, revision, template label), measured
    once on the first document written with it; remembered for the transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._seen: dict[tuple[str, str, str, int, str], float | None] = {}

    def score(self, key: AlgorithmKey, revision: int, template: str) -> float | None:
        wanted = (*key, revision, template)
        if wanted not in self._seen:
            # A score once stored never changes (record() keeps the first): what a query found
            # (committed, so never rolled back) is remembered by the process, per database.
            known = _SCORES.setdefault(self._session.get_bind(), {})
            if wanted in known:
                return known[wanted]
            w = t.wording_readability
            found = self._session.execute(
                select(w.c.score).where(
                    w.c.administration == key[0],
                    w.c.algorithm_id == key[1],
                    w.c.version == key[2],
                    w.c.revision == revision,
                    w.c.template == template,
                )
            ).scalar_one_or_none()
            self._seen[wanted] = found
            if found is not None:
                known[wanted] = found
        return self._seen[wanted]

    def record(
        self, key: AlgorithmKey, revision: int, template: str, score: float, reference: str
    ) -> float:
        """Keep this score unless another transaction kept one first; return the kept one.

        On PostgreSQL a concurrent insert of the same wording waits for the other transaction
        and then does nothing: every event of a wording announces the same score."""
        w = t.wording_readability
        values = {
            "administration": key[0],
            "algorithm_id": key[1],
            "version": key[2],
            "revision": revision,
            "template": template,
            "score": score,
            "measured_on": reference,
        }
        self._session.execute(insert_unless_present(self._session, w).values(**values))
        self._seen.pop((*key, revision, template), None)
        kept = self.score(key, revision, template)
        assert kept is not None
        return kept


def _key_of(row: Any) -> AlgorithmKey:
    return (row.administration, row.algorithm_id, row.version)


def _document_key(row: Any) -> tuple[Any, ...]:
    return (*_key_of(row), row.revision, row.received_at)


class DecisionRepository:
    """Within a consumer batch that stages its writes (stage()), decisions are looked up once
    for the batch (prefetch()), and the new ones are written together at the commit."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._staged = _Staged(session, t.decisions)
        # While staging: decisions by key and by reference, prefetched (None: known absent) or
        # staged by this transaction.
        self._known: dict[tuple[str, str], Any] = {}
        self._by_reference: dict[str, Any] = {}

    def stage(self, staging: Staging, ids: list[int], expected: int) -> None:
        """Stage the decisions added from now on, with these ids first; the commit writes them."""
        self._staged.start(staging, ids, expected)

    def prefetch(self, keys: Iterable[tuple[str, str]], references: Iterable[str]) -> list[Any]:
        """Look up at once the decisions with these (administration, decision_id) or these
        references; while staging, find() and clashing() then answer from memory. Return the
        decisions found."""
        keys = {key for key in keys if key not in self._known}
        references = {r for r in references if r not in self._by_reference}
        if not keys and not references:
            return []
        d = t.decisions
        # Also matches an id of one administration under another: filtered below.
        query = _lookup(
            self._session,
            "decisions",
            lambda among: select(d).where(
                (among(d.c.administration, "administrations") & among(d.c.decision_id, "ids"))
                | among(d.c.reference, "references")
            ),
        )
        rows = self._session.execute(
            query,
            {
                "administrations": sorted({key[0] for key in keys}),
                "ids": sorted({key[1] for key in keys}),
                "references": sorted(references),
            },
        ).all()
        found = []
        for key in keys:
            self._known.setdefault(key, None)
        for reference in references:
            self._by_reference.setdefault(reference, None)
        for row in rows:
            key = (row.administration, row.decision_id)
            if key in keys or row.reference in references:
                self._known[key] = row
                self._by_reference[row.reference] = row
                found.append(row)
        return found

    def find(self, administration: str, decision_id: str) -> Any:
        """The decision (a row, or while staging the one this batch staged), or None."""
        key = (administration, decision_id)
        if self._staged.active:
            if key not in self._known:
                self.prefetch([key], ())
            return self._known[key]
        return self._session.execute(
            select(t.decisions).where(
                t.decisions.c.administration == administration,
                t.decisions.c.decision_id == decision_id,
            )
        ).one_or_none()

    def by_pk(self, pk: int) -> Row[Any]:
        return self._session.execute(select(t.decisions).where(t.decisions.c.id == pk)).one()

    def by_reference(self, reference: str) -> Row[Any] | None:
        return self._session.execute(
            select(t.decisions).where(t.decisions.c.reference == reference)
        ).one_or_none()

    def for_reading(self, reference: str) -> Row[Any] | None:
        """The decision with what a reading needs besides it, in one query: the columns of its
        algorithm version (`version_id`, `version_revision`, `version_received_at`, None when
        the version is not registered: `AlgorithmRepository.remember` takes them), its formal
        request (`request_requested_at`, `request_deadline`, None when there is none) and
        whether a decision replaces it (`replaced`)."""
        return self._session.execute(
            _for_reading(self._session), {"reference": reference}
        ).one_or_none()

    def clashing(self, administration: str, decision_id: str, reference: str) -> list[Any]:
        """Decisions with this id or this reference: one query for what ingest must check."""
        d = t.decisions
        if self._staged.active:
            key = (administration, decision_id)
            if key not in self._known or reference not in self._by_reference:
                self.prefetch([key], [reference])
            same, holder = self._known[key], self._by_reference[reference]
            return [
                row for row in (same, holder if holder is not same else None) if row is not None
            ]
        columns = [d.c.administration, d.c.decision_id, d.c.reference]
        query = select(*columns).where(
            ((d.c.administration == administration) & (d.c.decision_id == decision_id))
            | (d.c.reference == reference)
        )
        return list(self._session.execute(query).all())

    def add(self, **values: Any) -> Any:
        """Insert a decision and return it as a row (while staging, as written at the commit)."""
        if self._staged.active:
            staged = SimpleNamespace(**self._staged.add(values))
            self._known[(values["administration"], values["decision_id"])] = staged
            self._by_reference[values["reference"]] = staged
            return staged
        return self._session.execute(
            insert(t.decisions).values(**values).returning(*t.decisions.c)
        ).one()

    def superseded_by(self, row: Row[Any]) -> list[Row[Any]]:
        """The decisions that replace this one."""
        return list(
            self._session.execute(
                select(t.decisions)
                .where(
                    t.decisions.c.administration == row.administration,
                    t.decisions.c.supersedes == row.decision_id,
                )
                .order_by(t.decisions.c.id)
            ).all()
        )

    def set_status(self, pk: int, status: str) -> None:
        self._session.execute(
            update(t.decisions).where(t.decisions.c.id == pk).values(status=status)
        )

    def explainable(self, key: AlgorithmKey | None = None, limit: int = 500) -> list[Row[Any]]:
        """Parked decisions whose algorithm version has arrived since."""
        d, a = t.decisions, t.algorithm_versions
        query = (
            select(d)
            .join(
                a,
                (a.c.administration == d.c.administration)
                & (a.c.algorithm_id == d.c.algorithm_id)
                & (a.c.version == d.c.algorithm_version),
            )
            .where(d.c.status == PARKED)
        )
        if key is not None:
            query = query.where(*_of_algorithm(key))
        return list(self._session.execute(query.order_by(d.c.id).limit(limit)).all())

    def explained(
        self,
        key: AlgorithmKey | None = None,
        reference: str | None = None,
        after_pk: int = 0,
        limit: int = 500,
    ) -> list[Row[Any]]:
        """Explained decisions, by primary key from `after_pk`: one page at a time."""
        d = t.decisions
        query = select(d).where(d.c.status == EXPLAINED, d.c.id > after_pk)
        if key is not None:
            query = query.where(*_of_algorithm(key))
        if reference is not None:
            query = query.where(d.c.reference == reference)
        return list(self._session.execute(query.order_by(d.c.id).limit(limit)).all())


def _for_reading(session: Session) -> Any:
    """DecisionRepository.for_reading's statement, built once per dialect."""

    def build(_among: Any) -> Any:
        d, v, r = t.decisions, t.algorithm_versions, t.communication_requests
        later = t.decisions.alias("later")
        replaced = exists(
            select(literal(1)).where(
                later.c.administration == d.c.administration,
                later.c.supersedes == d.c.decision_id,
            )
        )
        return (
            select(
                d,
                v.c.id.label("version_id"),
                v.c.revision.label("version_revision"),
                v.c.received_at.label("version_received_at"),
                r.c.requested_at.label("request_requested_at"),
                r.c.deadline.label("request_deadline"),
                replaced.label("replaced"),
            )
            .outerjoin(
                v,
                (v.c.administration == d.c.administration)
                & (v.c.algorithm_id == d.c.algorithm_id)
                & (v.c.version == d.c.algorithm_version),
            )
            .outerjoin(r, r.c.decision_pk == d.c.id)
            .where(d.c.reference == bindparam("reference"))
        )

    return _lookup(session, "for_reading", build)


def _of_algorithm(key: AlgorithmKey, table: Table = t.decisions) -> tuple[ColumnElement[bool], ...]:
    """The rows of `table` (decisions, templates) that belong to this algorithm version."""
    return (
        table.c.administration == key[0],
        table.c.algorithm_id == key[1],
        table.c.algorithm_version == key[2],
    )


class ExplanationRepository:
    """Within a consumer batch that stages its writes (stage()), the latest versions of the
    decisions the batch refers to are looked up once (prefetch_latest()), and the new versions
    are written together at the commit."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._staged = _Staged(session, t.explanations)
        # While staging: the latest version of each decision, prefetched (id, decision_pk and
        # version only; None: no version) or staged.
        self._latest: dict[int, Any] = {}

    def stage(self, staging: Staging, ids: list[int], expected: int) -> None:
        """Stage the versions added from now on, with these ids first; the commit writes them."""
        self._staged.start(staging, ids, expected)

    def prefetch_latest(self, decision_pks: Iterable[int]) -> None:
        """Look up at once the latest version of these decisions; while staging, latest() then
        answers from memory with its id, decision_pk and version."""
        wanted = {pk for pk in decision_pks if pk not in self._latest}
        if not wanted:
            return
        e = t.explanations
        newest = (
            select(e.c.decision_pk, func.max(e.c.version).label("version"))
            .where(e.c.decision_pk.in_(sorted(wanted)))
            .group_by(e.c.decision_pk)
            .subquery()
        )
        rows = self._session.execute(
            select(e.c.id, e.c.decision_pk, e.c.version).join(
                newest,
                (e.c.decision_pk == newest.c.decision_pk) & (e.c.version == newest.c.version),
            )
        ).all()
        self._latest.update(dict.fromkeys(wanted))
        self._latest.update((row.decision_pk, row) for row in rows)

    def latest(self, decision_pk: int) -> Any:
        if self._staged.active and decision_pk in self._latest:
            return self._latest[decision_pk]
        return self._session.execute(
            select(t.explanations)
            .where(t.explanations.c.decision_pk == decision_pk)
            .order_by(t.explanations.c.version.desc())
            .limit(1)
        ).one_or_none()

    def version(self, decision_pk: int, version: int) -> Row[Any] | None:
        return self._session.execute(
            select(t.explanations).where(
                t.explanations.c.decision_pk == decision_pk, t.explanations.c.version == version
            )
        ).one_or_none()

    def for_reading(self, decision_pk: int, version: int | None) -> list[Row[Any]]:
        """Every version, oldest first, in one query: the document only in the row of the
        version read (`version`, or the latest), None in the others (a version's document is
        about 12 kB: the history needs none of them)."""
        return list(
            self._session.execute(
                _versions_for_reading(self._session),
                {"decision_pk": decision_pk, "wanted": version},
            ).all()
        )

    def store_document(self, pk: int, document: dict[str, Any], readability: float) -> bool:
        """Store the document of a version generated without it, once: a version's document is
        never replaced (a concurrent first reading stored the same bytes)."""
        e = t.explanations
        done = self._session.execute(
            update(e)
            .where(e.c.id == pk, e.c.document.is_(None))
            .values(document=document, readability=readability)
        )
        return bool(done.rowcount)  # type: ignore[attr-defined]

    def unbuilt(self, after_pk: int = 0, limit: int = 500) -> list[Row[Any]]:
        """Versions whose document is not built yet, by id."""
        e = t.explanations
        return list(
            self._session.execute(
                select(e)
                .where(e.c.document.is_(None), e.c.id > after_pk)
                .order_by(e.c.id)
                .limit(limit)
            ).all()
        )

    def add(self, **values: Any) -> int:
        """Insert a new version; there is no update (but store_document's, once): a generated
        explanation is frozen."""
        if self._staged.active:
            row = self._staged.add(values)
            self._latest[values["decision_pk"]] = SimpleNamespace(
                id=row["id"], decision_pk=values["decision_pk"], version=values["version"]
            )
            return int(row["id"])
        return int(
            self._session.execute(
                insert(t.explanations).values(**values).returning(t.explanations.c.id)
            ).scalar_one()
        )

    def latest_templates(self, decision_pks: list[int]) -> dict[int, tuple[str, int]]:
        """For each decision, the template and algorithm revision of its latest explanation."""
        e = t.explanations
        newest = (
            select(e.c.decision_pk, func.max(e.c.version).label("version"))
            .where(e.c.decision_pk.in_(decision_pks))
            .group_by(e.c.decision_pk)
            .subquery()
        )
        rows = self._session.execute(
            select(e.c.decision_pk, e.c.template, e.c.algorithm_revision).join(
                newest,
                (e.c.decision_pk == newest.c.decision_pk) & (e.c.version == newest.c.version),
            )
        ).all()
        return {row.decision_pk: (row.template, row.algorithm_revision) for row in rows}


def _versions_for_reading(session: Session) -> Any:
    """ExplanationRepository.for_reading's statement, built once per dialect."""

    def build(_among: Any) -> Any:
        e = t.explanations
        wanted = func.coalesce(
            bindparam("wanted", type_=e.c.version.type), func.max(e.c.version).over()
        )
        document = case((e.c.version == wanted, e.c.document), else_=null())
        return (
            select(
                *(c for c in e.c if c is not e.c.document),
                type_coerce(document, e.c.document.type).label("document"),
            )
            .where(e.c.decision_pk == bindparam("decision_pk"))
            .order_by(e.c.version)
        )

    return _lookup(session, "versions_for_reading", build)


class TemplateRepository:
    """Remembers the current template of each version for the transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._current: dict[AlgorithmKey, Row[Any] | None] = {}

    def current(self, key: AlgorithmKey) -> Row[Any] | None:
        if key not in self._current:
            self._current[key] = self._session.execute(
                select(t.templates)
                .where(*_of_algorithm(key, t.templates))
                .order_by(t.templates.c.version.desc())
                .limit(1)
            ).one_or_none()
        return self._current[key]

    def prefetch(self, keys: Iterable[AlgorithmKey]) -> None:
        """Look up at once the current template of these versions; current() then answers."""
        wanted = {key for key in keys if key not in self._current}
        if not wanted:
            return
        tt = t.templates
        self._current.update(dict.fromkeys(wanted))
        # Every version of their templates (few, most often none), the newest kept.
        query = _lookup(
            self._session,
            "templates",
            lambda among: select(tt).where(
                among(tt.c.administration, "administrations"),
                among(tt.c.algorithm_id, "ids"),
                among(tt.c.algorithm_version, "versions"),
            ),
        )
        for row in self._session.execute(query, _keys(wanted)):
            key = (row.administration, row.algorithm_id, row.algorithm_version)
            current = self._current.get(key)
            if key in wanted and (current is None or row.version > current.version):
                self._current[key] = row

    def history(self, key: AlgorithmKey) -> list[Row[Any]]:
        return list(
            self._session.execute(
                select(t.templates)
                .where(*_of_algorithm(key, t.templates))
                .order_by(t.templates.c.version)
            ).all()
        )

    def add(self, **values: Any) -> int:
        self._current.pop(
            (values["administration"], values["algorithm_id"], values["algorithm_version"]), None
        )
        return int(
            self._session.execute(
                insert(t.templates).values(**values).returning(t.templates.c.id)
            ).scalar_one()
        )


class RequestRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def of(self, decision_pk: int) -> Row[Any] | None:
        return self._session.execute(
            select(t.communication_requests).where(
                t.communication_requests.c.decision_pk == decision_pk
            )
        ).one_or_none()

    def add(self, **values: Any) -> None:
        self._session.execute(insert(t.communication_requests).values(**values))
