"""The real names behind masked names: a keyed tag that tells masked names apart, and the real
parts sealed (AES-GCM under a key derived from the fingerprint key) for `kartlegg inventory show`."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json


def _tag(key: bytes, raw: str) -> str:
    """Ten characters keyed on the real name, letters and digits alternating: no detector and
    no digit rule reads them as a value, so masking a masked name changes nothing."""
    digest = hmac.new(key, b"kartlegg-name\x00" + raw.encode("utf-8", "surrogateescape"), hashlib.sha256).digest()
    return "~" + "".join(chr(97 + digest[i] % 26) + str(digest[i + 5] % 10) for i in range(5))



class Sealer:
    """The real parts of a masked location, encrypted under a key derived from the fingerprint
    key: readable back only where that key is (the scanning machine, its workers)."""

    PREFIX = "v1:"

    def __init__(self, key: bytes):
        self._key = key
        self._aead = None  # built at the first seal: a scan that masks no name never loads OpenSSL's bindings
        self._nonce_key = b""

    def _cipher(self):
        if self._aead is None:
            from cryptography.hazmat.primitives import hashes
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM
            from cryptography.hazmat.primitives.kdf.hkdf import HKDF

            derived = HKDF(algorithm=hashes.SHA256(), length=64, salt=None,
                           info=b"kartlegg location seal v1").derive(self._key)
            self._aead, self._nonce_key = AESGCM(derived[:32]), derived[32:]
        return self._aead

    def seal(self, parts: dict) -> str:
        aead = self._cipher()
        data = json.dumps(parts, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogateescape")
        # The nonce is keyed on the plaintext (as in SIV): one name always seals alike, so two
        # scans of one estate give equal records, and a nonce repeats only with its message;
        # equal seals tell no more than the equal tags beside them.
        nonce = hmac.new(self._nonce_key, data, hashlib.sha256).digest()[:12]
        return self.PREFIX + base64.urlsafe_b64encode(nonce + aead.encrypt(nonce, data, b"location")).decode()

    def unseal(self, sealed: str) -> dict:
        """The real parts; ValueError when this key did not seal them."""
        from cryptography.exceptions import InvalidTag

        if not sealed.startswith(self.PREFIX):
            raise ValueError("not a sealed location")
        blob = base64.urlsafe_b64decode(sealed[len(self.PREFIX):])
        try:
            data = self._cipher().decrypt(blob[:12], blob[12:], b"location")
        except InvalidTag:
            raise ValueError("sealed with another installation's fingerprint key") from None
        return json.loads(data.decode("utf-8", "surrogateescape"))

