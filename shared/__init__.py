"""OMO Retail client side: the SDK, view-models, device capabilities and strings shared by the apps."""
