"""Queries on decision_log's tables, one small repository per kind of record."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    any_,
    bindparam,
    func,
    insert,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from services.decision_log.adapters import tables as t
from services.decision_log.domain.registry import AlgorithmVersion
from shared.chain import GENESIS
from shared.db import Staging, as_jsonb, insert_rows, insert_unless_present, is_postgresql, next_ids

# Loaded models by (administration, id, version, revision, registered_at), shared by every unit
# of work of the process: a registered version's document only changes with a new revision, and
# loading its model costs far more than the query that tells the revision.
_LOADED: dict[tuple[Any, ...], AlgorithmVersion] = {}
_LOADED_LIMIT = 256

# An algorithm version's key: (administration, id, version). Ids are each administration's own.
AlgorithmKey = tuple[str, str, str]


def _where_key(key: AlgorithmKey) -> tuple[ColumnElement[bool], ...]:
    v = t.algorithm_versions
    return (v.c.administration == key[0], v.c.algorithm_id == key[1], v.c.version == key[2])


class AlgorithmRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._cache: dict[AlgorithmKey, AlgorithmVersion | None] = {}

    def get(self, administration: str, algorithm_id: str, version: str) -> AlgorithmVersion | None:
        key = (administration, algorithm_id, version)
        if key not in self._cache:
            self.prefetch([key])
        return self._cache[key]

    def prefetch(self, keys: Iterable[AlgorithmKey]) -> None:
        """Look up these versions in one query (their current revision, status and first use);
        get() then answers from memory for the rest of the transaction."""
        wanted = sorted(set(keys) - set(self._cache))
        if not wanted:
            return
        v = t.algorithm_versions
        rows = self._session.execute(
            select(
                v.c.administration,
                v.c.algorithm_id,
                v.c.version,
                v.c.revision,
                v.c.registered_at,
                v.c.first_used_at,
                v.c.retired_at,
            ).where(tuple_(v.c.administration, v.c.algorithm_id, v.c.version).in_(wanted))
        ).all()
        self._cache.update(dict.fromkeys(wanted))
        for row in rows:
            key = (row.administration, row.algorithm_id, row.version)
            self._cache[key] = self._load(key, row)

    def _load(self, key: AlgorithmKey, row: Any) -> AlgorithmVersion:
        """The version with its current status and first use; the model parsed once per revision."""
        v = t.algorithm_versions
        cached = (*key, row.revision, row.registered_at)
        loaded = _LOADED.get(cached)
        if loaded is None:
            document = self._session.execute(
                select(v.c.document).where(*_where_key(key))
            ).scalar_one()
            loaded = AlgorithmVersion.from_document(document, registered_at=row.registered_at)
            if len(_LOADED) >= _LOADED_LIMIT:
                _LOADED.clear()
            _LOADED[cached] = loaded
        return dataclasses.replace(
            loaded, first_used_at=row.first_used_at, retired_at=row.retired_at
        )

    def row(self, administration: str, algorithm_id: str, version: str) -> Row[Any] | None:
        return self._session.execute(
            select(t.algorithm_versions).where(*_where_key((administration, algorithm_id, version)))
        ).one_or_none()

    def rows(self, algorithm_id: str, version: str) -> list[Row[Any]]:
        """Every administration's version with this id and version (for the paths that name
        no administration, which answer only when one matches)."""
        return list(
            self._session.execute(
                select(t.algorithm_versions)
                .where(
                    t.algorithm_versions.c.algorithm_id == algorithm_id,
                    t.algorithm_versions.c.version == version,
                )
                .order_by(t.algorithm_versions.c.administration)
            ).all()
        )

    def save(self, document: dict[str, Any], by: str, now: datetime) -> int:
        """Insert a version, or replace it while no decision uses it; return its revision."""
        key = (document["administration"], document["id"], document["version"])
        existing = self.row(*key)
        values = {
            "document": document,
            "status": document["status"],
            "public": document["public"],
            "registered_at": now,
            "registered_by": by,
            "retired_at": now if document["status"] == "retired" else None,
        }
        self._cache.pop(key, None)
        if existing is None:
            self._session.execute(
                insert(t.algorithm_versions).values(
                    administration=key[0], algorithm_id=key[1], version=key[2], revision=1, **values
                )
            )
            return 1
        self._session.execute(
            update(t.algorithm_versions)
            .where(t.algorithm_versions.c.id == existing.id)
            .values(revision=existing.revision + 1, **values)
        )
        return int(existing.revision) + 1

    def set_status(self, row: Row[Any], status: str, now: datetime) -> dict[str, Any]:
        document = {**row.document, "status": status}
        self._session.execute(
            update(t.algorithm_versions)
            .where(t.algorithm_versions.c.id == row.id)
            .values(
                document=document,
                status=status,
                revision=row.revision + 1,
                retired_at=now if status == "retired" else None,
            )
        )
        self._cache.pop((row.administration, row.algorithm_id, row.version), None)
        return document

    def mark_used(self, key: AlgorithmKey, now: datetime) -> None:
        self._session.execute(
            update(t.algorithm_versions)
            .where(*_where_key(key), t.algorithm_versions.c.first_used_at.is_(None))
            .values(first_used_at=now)
        )
        cached = self._cache.get(key)
        if cached is not None and cached.first_used_at is None:
            self._cache[key] = dataclasses.replace(cached, first_used_at=now)

    def listing(self, *, public_only: bool, administration: str | None = None) -> list[Row[Any]]:
        query = select(t.algorithm_versions).order_by(
            t.algorithm_versions.c.administration,
            t.algorithm_versions.c.algorithm_id,
            t.algorithm_versions.c.version,
        )
        if public_only:
            query = query.where(t.algorithm_versions.c.public.is_(True))
        if administration is not None:
            query = query.where(t.algorithm_versions.c.administration == administration)
        return list(self._session.execute(query).all())

    def usage_counts(self) -> dict[AlgorithmKey, int]:
        d = t.decisions
        rows = self._session.execute(
            select(
                d.c.administration, d.c.algorithm_id, d.c.algorithm_version, func.count()
            ).group_by(d.c.administration, d.c.algorithm_id, d.c.algorithm_version)
        ).all()
        return {(r[0], r[1], r[2]): int(r[3]) for r in rows}


class DecisionRepository:
    """Decisions and their contact details; new ones are written together at the commit."""

    def __init__(self, session: Session, staging: Staging) -> None:
        self._session = session
        self._staging = staging
        # Decisions prefetched (None: known absent) or staged by this transaction.
        self._known: dict[tuple[str, str], Any] = {}
        self._staged: list[tuple[dict[str, Any], dict[str, Any] | None, str]] = []

    def find(self, administration: str, decision_id: str) -> Any:
        """The logged decision (a row, or the record staged by this transaction), or None."""
        key = (administration, decision_id)
        if key in self._known:
            return self._known[key]
        return self._session.execute(
            select(t.decisions).where(
                t.decisions.c.administration == administration,
                t.decisions.c.decision_id == decision_id,
            )
        ).one_or_none()

    def prefetch(self, keys: Iterable[tuple[str, str]]) -> None:
        """Look up these (administration, decision_id) at once; find() then answers from memory."""
        wanted: dict[str, set[str]] = {}
        for administration, decision_id in keys:
            if (administration, decision_id) not in self._known:
                wanted.setdefault(administration, set()).add(decision_id)
        if not wanted:
            return
        postgresql = is_postgresql(self._session)
        conditions = []
        for n, (administration, ids) in enumerate(sorted(wanted.items())):
            self._known.update(((administration, i), None) for i in ids)
            # One array parameter plans faster than an IN list of a few hundred.
            among = (
                t.decisions.c.decision_id
                == any_(bindparam(f"ids_{n}", sorted(ids), type_=ARRAY(String)))
                if postgresql
                else t.decisions.c.decision_id.in_(sorted(ids))
            )
            conditions.append(and_(t.decisions.c.administration == administration, among))
        # Every administration's at once: one round trip per batch, not one per administration.
        rows = self._session.execute(select(t.decisions).where(or_(*conditions)))
        self._known.update(((row.administration, row.decision_id), row) for row in rows)

    def by_reference(self, reference: str) -> Row[Any] | None:
        return self._session.execute(
            select(t.decisions).where(t.decisions.c.reference == reference)
        ).one_or_none()

    def add(
        self, record: dict[str, Any], contact: dict[str, Any] | None, encoded_body: str = ""
    ) -> None:
        """Stage a decision and its contact details, written at the commit. `encoded_body`:
        the body as JSON text if the caller has it (PostgreSQL then stores it as it is)."""
        self._staging.hold(self)
        self._staged.append((record, contact, encoded_body))
        self._known[(record["administration"], record["decision_id"])] = SimpleNamespace(**record)

    def drop(self) -> None:
        for record, _, _ in self._staged:
            self._known.pop((record["administration"], record["decision_id"]), None)
        self._staged = []

    def write(self) -> None:
        staged, self._staged = self._staged, []
        if not staged:
            return
        if is_postgresql(self._session):
            # Ids drawn first, so that both tables are written with COPY.
            ids = next_ids(self._session, t.decisions, len(staged))
            insert_rows(
                self._session,
                t.decisions,
                [
                    {"id": pk, **record, "body": as_jsonb(record["body"], encoded)}
                    for pk, (record, _, encoded) in zip(ids, staged, strict=True)
                ],
            )
            insert_rows(
                self._session,
                t.contacts,
                [
                    {"decision_pk": pk, "contact": contact}
                    for pk, (_, contact, _) in zip(ids, staged, strict=True)
                ],
            )
            return
        # Contacts find their decision by its key rather than through RETURNING, which would
        # make one huge statement per batch.
        self._session.execute(insert(t.decisions), [record for record, _, _ in staged])
        self._session.execute(
            _INSERT_CONTACT,
            [
                {
                    "of_administration": record["administration"],
                    "of_decision": record["decision_id"],
                    "contact": contact,
                }
                for record, contact, _ in staged
            ],
        )

    def contact(self, decision_pk: int) -> dict[str, Any] | None:
        value = self._session.scalar(
            select(t.contacts.c.contact).where(t.contacts.c.decision_pk == decision_pk)
        )
        return dict(value) if value else None

    def links(self, administration: str) -> Iterator[Row[Any]]:
        """Every record of an administration's chain, by sequence, streamed."""
        result = self._session.execute(
            select(t.decisions)
            .where(t.decisions.c.administration == administration)
            .order_by(t.decisions.c.seq)
            .execution_options(yield_per=1000)
        )
        yield from result

    def administrations(self) -> list[str]:
        chained = select(t.chain_heads.c.administration)
        logged = select(t.decisions.c.administration).distinct()
        return sorted(set(self._session.scalars(chained)) | set(self._session.scalars(logged)))

    def count(self, **filters: Any) -> int:
        query = select(func.count()).select_from(t.decisions)
        for column, value in filters.items():
            query = query.where(t.decisions.c[column] == value)
        return int(self._session.scalar(query) or 0)


_INSERT_CONTACT = insert(t.contacts).values(
    decision_pk=select(t.decisions.c.id)
    .where(
        t.decisions.c.administration == bindparam("of_administration"),
        t.decisions.c.decision_id == bindparam("of_decision"),
    )
    .scalar_subquery(),
    contact=bindparam("contact", type_=t.contacts.c.contact.type),
)


class ChainRepository:
    """Chain heads, locked for the transaction so that two writers never fork a chain."""

    def __init__(self, session: Session, staging: Staging) -> None:
        self._session = session
        self._staging = staging
        self._heads: dict[str, tuple[int, str]] = {}
        # Each chain's new head, written once at the commit; and the heads that have a row.
        self._advanced: dict[str, dict[str, Any]] = {}
        self._stored: set[str] = set()

    def head(self, administration: str) -> tuple[int, str]:
        if administration not in self._heads:
            self.lock([administration])
        return self._heads[administration]

    def lock(self, administrations: Iterable[str]) -> None:
        """Lock and read these chains' heads at once, always in the same order."""
        wanted = sorted(set(administrations) - set(self._heads))
        if not wanted:
            return
        rows = self._session.execute(
            select(t.chain_heads.c.administration, t.chain_heads.c.seq, t.chain_heads.c.hash)
            .where(t.chain_heads.c.administration.in_(wanted))
            .order_by(t.chain_heads.c.administration)
            .with_for_update()
        ).all()
        self._heads.update(dict.fromkeys(wanted, (0, GENESIS)))
        for row in rows:
            self._heads[row.administration] = (row.seq, row.hash)
            self._stored.add(row.administration)

    def advance(self, administration: str, seq: int, hash_: str, now: datetime) -> None:
        self._staging.hold(self)
        self._advanced[administration] = {"seq": seq, "hash": hash_, "updated_at": now}
        self._heads[administration] = (seq, hash_)

    def drop(self) -> None:
        # The heads read under the lock are still the stored ones; the advanced ones are not.
        for administration in self._advanced:
            self._heads.pop(administration, None)
        self._advanced = {}

    def write(self) -> None:
        advanced, self._advanced = self._advanced, {}
        moved = [
            {"chain": administration, **values}
            for administration, values in advanced.items()
            if administration in self._stored
        ]
        if moved:
            # One executemany (one round trip on PostgreSQL, pipelined) for every head.
            heads = t.chain_heads
            self._session.execute(
                update(heads)
                .where(heads.c.administration == bindparam("chain"))
                .values(
                    seq=bindparam("seq"), hash=bindparam("hash"), updated_at=bindparam("updated_at")
                ),
                moved,
            )
        for administration, values in advanced.items():
            if administration not in self._stored:
                self._session.execute(
                    insert(t.chain_heads).values(administration=administration, **values)
                )
                self._stored.add(administration)

    def stored_head(self, administration: str) -> tuple[int, str] | None:
        row = self._session.execute(
            select(t.chain_heads.c.seq, t.chain_heads.c.hash).where(
                t.chain_heads.c.administration == administration
            )
        ).one_or_none()
        return (row.seq, row.hash) if row else None


class QuarantineRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, **values: Any) -> tuple[int, bool]:
        """The item's id, and whether it is new: a delivery already filed (the same producer's
        same message, delivered again) is not filed twice; its item's id is returned."""
        q = t.quarantine
        new = self._session.execute(
            insert_unless_present(self._session, q, on=[q.c.delivery_key])
            .values(**values)
            .returning(q.c.id)
        ).scalar_one_or_none()
        if new is not None:  # always, without a delivery key: NULLs never conflict
            return int(new), True
        filed = self._session.execute(
            select(q.c.id).where(q.c.delivery_key == values["delivery_key"])
        ).scalar_one()
        return int(filed), False

    def get(self, item_id: int) -> Row[Any] | None:
        return self._session.execute(
            select(t.quarantine).where(t.quarantine.c.id == item_id)
        ).one_or_none()

    def listing(
        self,
        *,
        status: str | None,
        administration: str | None = None,
        category: str | None = None,
        limit: int = 100,
    ) -> list[Row[Any]]:
        query = select(t.quarantine).order_by(t.quarantine.c.id).limit(limit)
        if status is not None:
            query = query.where(t.quarantine.c.status == status)
        if administration is not None:
            query = query.where(t.quarantine.c.administration == administration)
        if category is not None:
            query = query.where(t.quarantine.c.category == category)
        return list(self._session.execute(query).all())

    def update(self, item_id: int, **values: Any) -> None:
        self._session.execute(
            update(t.quarantine).where(t.quarantine.c.id == item_id).values(**values)
        )


class ProducerRepository:
    """AMQP users and API keys, each bound to one administration."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._administrations: dict[str, str | None] = {}  # for this transaction

    def prefetch(self, amqp_users: Iterable[str]) -> None:
        """Look up these producers' administrations in one query (a consumer batch's senders)."""
        wanted = sorted(set(amqp_users) - set(self._administrations))
        if not wanted:
            return
        self._administrations.update(dict.fromkeys(wanted))
        rows = self._session.execute(
            select(t.producers.c.amqp_user, t.producers.c.administration).where(
                t.producers.c.amqp_user.in_(wanted), t.producers.c.revoked_at.is_(None)
            )
        )
        self._administrations.update({user: administration for user, administration in rows})

    def administration_of(self, amqp_user: str) -> str | None:
        if amqp_user in self._administrations:
            return self._administrations[amqp_user]
        administration = self._session.scalar(
            select(t.producers.c.administration).where(
                t.producers.c.amqp_user == amqp_user, t.producers.c.revoked_at.is_(None)
            )
        )
        self._administrations[amqp_user] = administration
        return administration

    def add_amqp_user(self, amqp_user: str, administration: str, now: datetime) -> None:
        existing = self._session.execute(
            select(t.producers).where(t.producers.c.amqp_user == amqp_user)
        ).one_or_none()
        if existing is None:
            self._session.execute(
                insert(t.producers).values(
                    amqp_user=amqp_user, administration=administration, created_at=now
                )
            )
        else:
            self._session.execute(
                update(t.producers)
                .where(t.producers.c.amqp_user == amqp_user)
                .values(administration=administration, revoked_at=None)
            )

    def api_key(self, prefix: str) -> Row[Any] | None:
        return self._session.execute(
            select(t.api_keys).where(t.api_keys.c.prefix == prefix)
        ).one_or_none()

    def add_api_key(self, **values: Any) -> None:
        self._session.execute(insert(t.api_keys).values(**values))

    def update_api_key(self, prefix: str, **values: Any) -> None:
        self._session.execute(
            update(t.api_keys).where(t.api_keys.c.prefix == prefix).values(**values)
        )

    def api_keys(self, administration: str | None = None) -> list[Row[Any]]:
        query = select(t.api_keys).order_by(t.api_keys.c.created_at)
        if administration is not None:
            query = query.where(t.api_keys.c.administration == administration)
        return list(self._session.execute(query).all())
