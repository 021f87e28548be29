"""Write the demo's Norwegian sample text, with synthetic values generated on the spot.

Fødselsnumre are Tenor test numbers (month + 80), which belong to no one; the rest are drawn at
random with valid check digits. Nothing here is a real person's identifier.
"""

from __future__ import annotations

import random
import sys

from detectors import synthetic


def sample(seed: int = 2026) -> str:
    rnd = random.Random(seed)
    account = synthetic.kontonummer(rnd)
    return f"""Fra: kundeservice@example.no
Emne: Flytting og nytt strømabonnement

Hei, jeg heter Kari Nordmann og flytter til Storgata 12B, 0150 OSLO fra 1. desember.
Fødselsnummer: {synthetic.fodselsnummer(rnd)}. Målepunkt-ID for den nye adressen er {synthetic.meter_id(rnd)}.
Ring meg på tlf. {synthetic.phone(rnd, 'intl')} eller send e-post til kari.nordmann@example.no.
Tilbakebetaling av depositum til kontonr {account[:4]}.{account[4:6]}.{account[6:]}.

Mvh Kari

-- intern logg --
2024-05-01T10:12:33Z INFO ordre 20231224123 opprettet av 10.20.30.40, versjon 1.2.3
Leverandør: Demo Kraft AS, org.nr. NO 988 077 917 MVA
"""


if __name__ == "__main__":
    sys.stdout.write(sample(int(sys.argv[1]) if len(sys.argv) > 1 else 2026))
