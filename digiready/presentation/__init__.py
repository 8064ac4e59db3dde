"""What every adapter shows the same way: result charts (inline SVG with a text equivalent)
and the view model of a result page. No framework: adapters put these into their templates."""
