"""What is not the backend: EARS subjects, glossary terms, UI nouns."""

from __future__ import annotations

from tests.specs.support import parse
from traceaudit.model import Config, SpecDoc
from traceaudit.specs.scope import subjects

# --------------------------------------------------------------------------
# Scope: not backend (specs/scope.py)
# --------------------------------------------------------------------------


def scopes(doc: SpecDoc) -> dict[str, str]:
    return {r.id: r.scope.value for r in doc.requirements}


def test_subjects_of_ears_and_modal_sentences() -> None:
    assert subjects("WHEN an Agent is created, THE API_Layer SHALL encrypt it") == ["API_Layer"]
    assert subjects("WHEN 用戶輸入代號 THEN 系統 SHALL 新增") == ["系統"]
    assert subjects("IF the token is invalid THEN the system SHALL return 401") == ["system"]
    assert subjects("THE `BuyerFormTab` SHALL render the form") == ["BuyerFormTab"]
    assert subjects("The UI MUST be responsive") == ["UI"]
    assert subjects("Users MUST be able to filter tasks") == ["Users"]
    # no clear subject: too long, or no modal verb at all
    assert subjects("When the user, having logged in on any of the devices, saves SHALL x") == []
    assert subjects("Orders are listed newest first") == []


def test_glossary_defines_which_kiro_subjects_are_ui() -> None:
    doc = parse(
        """
        ## Glossary

        - **API_Layer**: The FastAPI-based REST API backend service
        - **Web_UI**: The React frontend application used by traders
        - **Report_Panel**: The backend service that renders PDF reports
        - **SimulationTab**: The admin panel tab that simulates scoring
        - **Frontend Application**: The Next.js 15 web application that provides the UI

        ### Requirement 1: Watchlist

        #### Acceptance Criteria

        1. WHEN a user adds a symbol, THE API_Layer SHALL store it
        2. THE Web_UI SHALL show the watchlist sorted by symbol
        3. THE Report_Panel SHALL render a PDF of the watchlist
        4. THE SimulationTab SHALL show the simulated score
        5. WHEN a user submits answers in the SimulationTab, THE API_Layer SHALL score them
        6. WHEN a user submits the form, THE Frontend Application SHALL call the backend API
        """
    )
    assert scopes(doc) == {
        "Requirement 1": "in-scope",
        "1.1": "in-scope",
        "1.2": "not-backend",
        "1.3": "in-scope",  # named like a UI, defined as a backend service
        "1.4": "not-backend",
        "1.5": "in-scope",  # mentions the UI, but the API_Layer does the work
        "1.6": "not-backend",  # the dot of "Next.js" does not end the definition's head
    }


def test_ui_head_nouns_without_a_glossary() -> None:
    doc = parse(
        """
        ### Requirement 1: Admin panel

        #### Acceptance Criteria

        1. THE AdminPanel SHALL list the forms
        2. THE `FormVersionEditor` SHALL preview a version
        3. WHEN the user deletes a form, THE confirmation dialog SHALL ask again
        4. THE Frontend_App SHALL keep the token in memory
        5. THE Health_Monitor SHALL record the watcher status
        6. THE System SHALL return the forms sorted by name
        7. THE HTTP_Client SHALL retry failed calls
        8. WHEN saved, THE API_Layer SHALL store the form AND THE Web_UI SHALL show a toast
        """
    )
    assert scopes(doc) == {
        "Requirement 1": "in-scope",
        "1.1": "not-backend",
        "1.2": "not-backend",
        "1.3": "not-backend",
        "1.4": "not-backend",
        "1.5": "in-scope",
        "1.6": "in-scope",
        "1.7": "in-scope",
        "1.8": "in-scope",  # one of its subjects is the backend
    }


def test_requirement_whose_criteria_are_all_ui_is_not_backend() -> None:
    doc = parse(
        """
        ### Requirement 1: Chart

        1. THE Web_UI SHALL draw a chart
        2. THE Web_UI SHALL show a tooltip

        ### Requirement 2: Prices

        1. THE Web_UI SHALL show prices
        2. THE API_Layer SHALL return prices
        """
    )
    assert scopes(doc) == {
        "Requirement 1": "not-backend",
        "1.1": "not-backend",
        "1.2": "not-backend",
        "Requirement 2": "in-scope",
        "2.1": "not-backend",
        "2.2": "in-scope",
    }


def test_configured_non_backend_subjects() -> None:
    text = """
    ### Requirement 1: Reports

    1. THE Reporting_Portal SHALL list the reports
    2. THE reporting portal SHALL sort them by date
    """
    assert scopes(parse(text))["1.1"] == "in-scope"
    config = Config(non_backend_subjects=("Reporting Portal",))
    assert scopes(parse(text, config)) == {
        "Requirement 1": "not-backend",
        "1.1": "not-backend",
        "1.2": "not-backend",
    }


def test_spec_kit_requirements_whose_subject_is_the_ui() -> None:
    doc = parse(
        """
        ### Functional Requirements

        - **FR-001**: UI MUST display messages right-aligned
        - **FR-002**: The frontend MUST keep the draft across page loads
        - **FR-003**: Widget MUST expand on click
        - **FR-004**: System MUST provide a `/signup` page with a form
        - **FR-005**: Users MUST be able to see their orders on the dashboard
        - **FR-006**: System MUST return 404 for unknown orders
        """
    )
    assert scopes(doc) == {
        "FR-001": "not-backend",
        "FR-002": "not-backend",
        "FR-003": "not-backend",
        "FR-004": "in-scope",
        "FR-005": "in-scope",
        "FR-006": "in-scope",
    }


def test_out_of_scope_wins_over_not_backend() -> None:
    doc = parse("## Out of Scope\n\n- **FR-009**: UI MUST support dark mode\n")
    assert scopes(doc) == {"FR-009": "out-of-scope"}
