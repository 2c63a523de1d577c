import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The demo users are hashed on every load; PBKDF2's cost is for production, not for tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
