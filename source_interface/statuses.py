"""What each case status means, told to the source in plain words."""

from flask_babel import lazy_gettext as _l

from store.models import CaseStatus

EXPLANATIONS = {
    CaseStatus.RECEIVED: (
        _l("Received"),
        _l("Your report has arrived safely. An officer will confirm they have it within 7 days."),
    ),
    CaseStatus.ACKNOWLEDGED: (
        _l("Acknowledged"),
        _l("An officer has confirmed receipt and will look at your report."),
    ),
    CaseStatus.TRIAGE: (
        _l("Being sorted"),
        _l("An officer is checking what your report is about and who should handle it."),
    ),
    CaseStatus.ASSESSMENT: (
        _l("Being assessed"),
        _l("Officers are assessing the information you gave. They may ask you questions here."),
    ),
    CaseStatus.REFERRED: (
        _l("Referred"),
        _l("Your report has been passed to the body that can investigate it."),
    ),
    CaseStatus.INVESTIGATING: (
        _l("Under investigation"),
        _l("The matter you reported is being investigated."),
    ),
    CaseStatus.CONCLUDED: (
        _l("Concluded"),
        _l("The work on your report has reached a conclusion."),
    ),
    CaseStatus.CLOSED: (
        _l("Closed"),
        _l("This report is closed. You can still send more information if you have it."),
    ),
}
