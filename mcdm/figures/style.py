"""What every chart shares: the colour-blind-safe palette, the layout, and user text made safe
for Plotly's labels."""

from __future__ import annotations

import html

__all__ = ["ARCHETYPE_COLOURS", "LAYOUT", "OKABE_ITO", "safe_text"]

#: Okabe & Ito (2008), "Color Universal Design": distinct under common colour blindness.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


ARCHETYPE_COLOURS = {
    "reassurance": "#0072B2",
    "tripwire": "#E69F00",
    "observer": "#009E73",
    "technical_monitoring": "#CC79A7",
    "air_shield": "#56B4E9",
    "hybrid": "#D55E00",
}


LAYOUT = {
    "template": "plotly_white",
    "font": {"size": 13},
    "margin": {"l": 60, "r": 20, "t": 50, "b": 60},
}


def safe_text(text: object) -> str:
    """User text for a Plotly label: its HTML subset escaped (Plotly decodes &amp; &lt; &gt;)."""
    return html.escape(str(text), quote=False)
