"""Field names that hold personal data are masked before they reach a report."""

import pytest

from scanner.names import masked_name


@pytest.mark.parametrize("name", [
    "kari.nordmann@example.no.fnr", "Kari Nordmann", "clients.84.210.12.7", "clients.+47 412 34 567",
    "kari.nordmann", "query.kari.nordmann", "sd.ola-hansen", "user_84.210.12.7", "kunde_15076500565",
])
def test_names_that_are_values_are_masked(engine, name):
    masked = masked_name(name, engine)
    assert masked != name
    for part in ("kari", "nordmann", "Nordmann", "84.210", "412 34", "ola-hansen", "15076500565"):
        assert part not in masked


@pytest.mark.parametrize("name", [
    "epost", "kontakt.epost", "query.epost", "user_agent", "Kunder!Fødselsnr", "kunde.navn.fornavn",
    "avtaler[].malepunkt_id", "referrer.query.ref", "client_ip", "sd.user", "Email Address", "col12",
])
def test_ordinary_names_are_left_alone(engine, name):
    assert masked_name(name, engine) == name
