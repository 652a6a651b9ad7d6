"""Claims providers standing in for a site that records how its users authenticated."""

import time


def strong_authentication(request, claims):
    return {"acr": "myACR", "auth_time": int(time.time())}


def stale_authentication(request, claims):
    return {"acr": "myACR", "auth_time": int(time.time()) - 3600}
