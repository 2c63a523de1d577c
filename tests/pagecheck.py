"""Pages checked for content, not only for status 200: `shows(client, {url: fact})` where a fact is text the
page must contain for that role (an object's name or code, the heading with the role's area), or bytes the
start of a file (b"PK" for an Excel export), or a callable on the response."""


def shows(client, expected: dict) -> None:
    missing = []
    for url, fact in expected.items():
        r = client.get(url)
        if r.status_code != 200:
            missing.append(f"{url}: status {r.status_code}")
        elif isinstance(fact, bytes):
            if not r.content.startswith(fact):
                missing.append(f"{url}: does not start with {fact!r}")
        elif callable(fact):
            if not fact(r):
                missing.append(f"{url}: {getattr(fact, '__doc__', None) or 'check'} failed")
        elif fact not in r.content.decode():
            missing.append(f"{url}: does not show {fact!r}")
    assert not missing, "\n".join(missing)


XLSX = b"PK\x03\x04"


def api_count_at_least(n: int):
    def check(r):
        return r.json()["count"] >= n
    check.__doc__ = f"count >= {n}"
    return check
