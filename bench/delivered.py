"""Waits until the webhook receiver at URL has received EXPECTED notifications (five minutes
at most), then prints one JSON object: received, refused, and delivered per second (from the
first to the last received).

    python3 bench/delivered.py URL EXPECTED
"""
import json
import sys
import time
import urllib.request

url, expected = sys.argv[1], int(sys.argv[2])
deadline = time.monotonic() + 300
while True:
    stats = json.load(urllib.request.urlopen(url + "/stats"))
    if stats["received"] >= expected or time.monotonic() > deadline:
        break
    time.sleep(0.2)
span = max(stats["lastMs"] - stats["firstMs"], 1) / 1000
print(json.dumps({"received": stats["received"], "refused": stats["refused"],
                  "per_s": round(stats["received"] / span, 1)}))
