"""End to end with a third-party Open311 client (`georeport`, from PyPI) against a live
server. The library reads services and requests in JSON and XML; it sends no API key
and cannot POST, so the key is added to its GET calls and the POST is plain HTTP."""

from __future__ import annotations

import functools

import georeport.georeport as client_module
import pytest
import requests
from georeport import GeoReport

from grassroots.accounts.tokens import token_create
from grassroots.appeals.models import Appeal

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


PLAIN_GET = requests.get


def keyed_get(key):
    def get(url, params=None, **kwargs):
        return PLAIN_GET(url, params={**(params or {}), "api_key": key}, timeout=10, **kwargs)

    return functools.wraps(PLAIN_GET)(get)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_georeport_client_raises_and_follows_an_appeal(world, live_server, monkeypatch, fmt):
    root = f"{live_server.url}/open311/v2"
    client = GeoReport(root, jurisdiction="C", output_format=fmt)
    services = client.get_service_list()
    assert "living" in [s["service_code"] for s in services]
    definition = client.get_service_definition("living")
    assert definition["service_code"] == "living"

    _token, key = token_create(user=world.employee, name="client")
    made = requests.post(
        f"{root}/requests.json",
        data={
            "api_key": key,
            "jurisdiction_id": "C",
            "service_code": "living",
            "description": "食堂排队太久，希望增加窗口",
            "address_id": "DA",
        },
        timeout=10,
    )
    assert made.status_code == 201, made.text
    public_id = made.json()[0]["service_request_id"]

    monkeypatch.setattr(client_module.requests, "get", keyed_get(key))
    found = client.get_service_request(public_id)
    assert (found["service_request_id"], found["status"], found["service_code"]) == (
        public_id,
        "open",
        "living",
    )
    listed = client.get_service_requests(service_request_id=public_id, status="open")
    listed = [listed] if isinstance(listed, dict) else listed  # xmltodict: one item, no list
    assert [r["service_request_id"] for r in listed] == [public_id]
    assert Appeal.objects.get(public_id=public_id).submitter == world.employee

    # An officer of another branch, through the same client: as if it did not exist.
    _other, other_key = token_create(user=world.officer_b, name="client")
    monkeypatch.setattr(client_module.requests, "get", keyed_get(other_key))
    with pytest.raises(requests.HTTPError) as refused:
        client.get_service_request(public_id)
    assert refused.value.response.status_code == 404
