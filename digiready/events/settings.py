"""Settings of the events area (declared once; see ``digiready settings``)."""
from digiready import config

config.declare(
    "XAPI_BASE_IRI", "https://digiready.example.org/xapi",
    "Base IRI of this deployment's xAPI activities and of the actor accounts' homePage. "
    "Set it to your public URL in production.",
)
config.declare(
    "LRS_URL", None,
    "xAPI endpoint of the LRS to forward statements to (e.g. `http://ralph:8100/xAPI/`). "
    "Unset: statements are only stored in the app database.",
)
config.declare("LRS_USERNAME", None, "Basic-auth user for the LRS.")
config.declare("LRS_PASSWORD", None, "Basic-auth password for the LRS.", secret=True)
config.declare("LRS_BATCH_SIZE", "200", "Statements per POST to the LRS.", minimum=1)
config.declare("LRS_TIMEOUT", "10", "Seconds to wait for the LRS before retrying later.")
# The small-group threshold (DIGIREADY_MIN_CELL_SIZE) is declared once for every area in
# digiready.disclosure.
