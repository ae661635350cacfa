import pytest

from zona.core.testing import World, build_world


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def client_for(client):
    """Log a persona in: `client_for(world["operator"])`."""

    def login(user):
        client.force_login(user)
        return client

    return login
