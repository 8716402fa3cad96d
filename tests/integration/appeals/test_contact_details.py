"""Auditors do not see a person's contact details in the console, as the API withholds them
from them (issue 11: the console showed them)."""

from __future__ import annotations

from tests.integration.appeals.conftest import World, file_creche, sign_in

EMAIL = "personne@example.org"


def test_an_auditor_reads_the_dossier_without_the_persons_address(world: World):
    public_id = file_creche(world)
    with world.uow() as uow:
        assert uow.appeals.get(public_id).contact["email"] == EMAIL
    auditor = sign_in(world.app.test_client(), "auditeur-ville-exemple")
    page = auditor.get(f"/console/appeals/{public_id}")
    assert page.status_code == 200 and EMAIL not in page.get_data(as_text=True)
    assert auditor.get(f"/console/appeals/{public_id}/accuse-de-reception.pdf").status_code == 403
    reviewer = sign_in(world.app.test_client(), "instructeur-ville-exemple")
    assert EMAIL in reviewer.get(f"/console/appeals/{public_id}").get_data(as_text=True)
    assert reviewer.get(f"/console/appeals/{public_id}/accuse-de-reception.pdf").status_code == 200
