"""The seeds are raw data: their checksums never change."""

import hashlib

from analysis.paths import SEEDS_DIR


def _manifest():
    lines = (SEEDS_DIR / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    return dict(reversed(line.split(maxsplit=1)) for line in lines if line.strip())


def test_every_seed_matches_its_checksum():
    manifest = _manifest()
    assert manifest, "seeds/SHA256SUMS lists no files"
    for name, digest in manifest.items():
        data = (SEEDS_DIR / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, f"seeds/{name} changed"


def test_every_seed_text_is_in_the_manifest():
    texts = {p.name for p in SEEDS_DIR.glob("*.txt")}
    assert texts == set(_manifest())
    assert texts == {"000_4a01d9418e012f08.txt", "001_8ff4fca5f0285b44.txt"}


def test_the_two_known_seeds_have_their_published_checksums():
    # Recorded when the seeds were copied from the shared seed folder.
    assert _manifest() == {
        "000_4a01d9418e012f08.txt":
            "46ab23f4797f1f22c44bd49d87427bcebc24bd55a9fa628558490946ec9ed6f2",
        "001_8ff4fca5f0285b44.txt":
            "72a5454006e53481a284f3ab2050d71e2c762b26bb9b220795d70c227f77b841",
    }
