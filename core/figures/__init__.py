"""Charts: the shared Plotly styling, a figure's data as series and text, the projector style."""
