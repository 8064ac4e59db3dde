"""Flask portal for the DigiReady virtual symposium: registration, programme, network,
evaluation and admin, organised by area as Indico does (each area: models, views, forms,
templates). The core never imports this package; ``digiready serve portal`` does."""
