"""Charts for the HQ pages, built with plotly and drawn by the plotly.js that ships in its package."""

from __future__ import annotations

import json
from collections.abc import Sequence

import plotly.graph_objects as go

FONT = "Noto Sans SC, Noto Sans CJK SC, sans-serif"
BRAND = "#e4572e"
PALETTE = ["#e4572e", "#29335c", "#f3a712", "#669bbc", "#a8c686", "#7a6c5d", "#c44536", "#3d405b"]


def _layout(fig: go.Figure, title: str, left: int = 50) -> str:
    fig.update_layout(
        title={"text": title, "font": {"size": 16}},
        font={"family": FONT, "size": 13},
        margin={"l": left, "r": 20, "t": 50, "b": 60},
        paper_bgcolor="white",
        plot_bgcolor="white",
        colorway=PALETTE,
        height=340,
    )
    fig.update_xaxes(showgrid=False)
    fig.update_yaxes(gridcolor="#eee")
    return json.dumps(fig.to_plotly_json(), ensure_ascii=False)


def bar(labels: Sequence[str], values: Sequence[float], title: str, y_title: str) -> str:
    fig = go.Figure(go.Bar(x=list(labels), y=list(values), marker_color=BRAND))
    fig.update_yaxes(title=y_title)
    return _layout(fig, title)


def donut(labels: Sequence[str], values: Sequence[float], title: str) -> str:
    fig = go.Figure(go.Pie(labels=list(labels), values=list(values), hole=0.55, sort=False))
    return _layout(fig, title)


def stacked_bars(labels: Sequence[str], series: dict[str, Sequence[float]], title: str, y_title: str) -> str:
    fig = go.Figure([go.Bar(name=name, x=list(labels), y=list(values)) for name, values in series.items()])
    fig.update_layout(barmode="stack", legend={"orientation": "h", "y": -0.2})
    fig.update_xaxes(type="category")
    fig.update_yaxes(title=y_title)
    return _layout(fig, title)


def hbar(labels: Sequence[str], values: Sequence[float], title: str, x_title: str) -> str:
    fig = go.Figure(go.Bar(x=list(values), y=list(labels), orientation="h", marker_color=PALETTE[1]))
    fig.update_xaxes(title=x_title)
    return _layout(fig, title, left=120)


def lines(labels: Sequence[str], series: dict[str, Sequence[float]], title: str, y_title: str) -> str:
    fig = go.Figure(
        [
            go.Scatter(name=name, x=list(labels), y=list(values), mode="lines+markers")
            for name, values in series.items()
        ]
    )
    fig.update_layout(legend={"orientation": "h", "y": -0.2})
    fig.update_xaxes(type="category")
    fig.update_yaxes(title=y_title)
    return _layout(fig, title)
