"""Computing services between the figures and the model: weight sources, images, measurements."""
