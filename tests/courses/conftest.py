import pytest

from tests import factories


@pytest.fixture
def program(db):
    from tests.content.conftest import make_program

    return make_program(13)


@pytest.fixture
def cohort(program):
    """A cohort open for applications, starting in 30 days, capacity 30."""
    return factories.cohort(program)


@pytest.fixture
def small_cohort(cohort):
    """The cohort without a field-study requirement: one attended session and a graded report
    make a participant eligible (tests.courses.certificate_helpers.eligible_participant)."""
    cohort.field_study_required = False
    cohort.save()
    return cohort
