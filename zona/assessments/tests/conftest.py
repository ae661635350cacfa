import pytest

from zona.assessments.tests.factories import load_mini, make_assessment, make_period


@pytest.fixture
def framework(db):
    return load_mini()


@pytest.fixture
def period(world, framework):
    return make_period(world.agency, framework, creator=world["agency_admin"])


@pytest.fixture
def assessment(world, period):
    return make_assessment(period, world.bandung)
