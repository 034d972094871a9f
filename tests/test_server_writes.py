"""Writes, in process: SPARQL Update, the Graph Store Protocol and the bearer token, against
`create_app(…, allow_update=True)` on an empty store; and `kg serve` refusing to start without
what it needs. The same protocols through a real `kg serve` are in test_server_protocol.py.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from kg.cli import app as cli
from tests.sparql_protocol_runner import InProcess, assert_graph_store_round_trip

TOKEN = "test-token-5f1c"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
G = "http://example.org/graph/one"


@pytest.fixture(scope="module")
def http(tmp_path_factory):
    store = tmp_path_factory.mktemp("update-store") / "store"
    with InProcess(store, allow_update=True, token=TOKEN) as client:
        yield client


def test_writes_need_the_bearer_token(http):
    update = {"Content-Type": "application/sparql-update"}
    assert http.post("sparql", content=b"CLEAR ALL", headers=update).status_code == 401
    wrong = http.post("sparql", content=b"CLEAR ALL", headers={**update, "Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"].startswith("Bearer")
    basic = http.post("sparql", content=b"CLEAR ALL", headers={**update, "Authorization": f"Basic {TOKEN}"})
    assert basic.status_code == 401
    assert http.put("store", params={"default": ""}, content=b"", headers={"Content-Type": "text/turtle"}).status_code == 401
    assert http.post("sparql", content=b"CLEAR ALL", headers={**update, **AUTH}).status_code == 204


def test_update_service_description_says_so(http):
    described = http.get("sparql", headers={"Accept": "application/n-triples"}).text
    assert "<http://www.w3.org/ns/sparql-service-description#SPARQL11Update>" in described


def test_an_update_is_seen_by_the_next_entity_lookup(http):
    """Writes go through the KnowledgeStore, so labels cached for entity lookup are never stale."""
    update = {"Content-Type": "application/sparql-update", **AUTH}
    entity = {"Accept": "application/json"}
    insert = 'INSERT DATA { GRAPH <http://x/e> { e:zz rdfs:label "지지"@ko ; a cg:Firm } }'
    assert http.post("sparql", content=insert.encode(), headers=update).status_code == 204
    assert http.get("queries/entity", params={"entity": "지지"}, headers=entity).status_code == 200
    rename = 'DELETE DATA { GRAPH <http://x/e> { e:zz rdfs:label "지지"@ko } } ; ' \
             'INSERT DATA { GRAPH <http://x/e> { e:zz rdfs:label "지지지"@ko } }'
    assert http.post("sparql", content=rename.encode(), headers=update).status_code == 204
    assert http.get("queries/entity", params={"entity": "지지"}, headers=entity).status_code == 400
    assert http.get("queries/entity", params={"entity": "지지지"}, headers=entity).status_code == 200
    label = '<https://w3id.org/chipgraph/id/entity/yy> <http://www.w3.org/2000/01/rdf-schema#label> "와이"@ko .'
    replaced = http.put("store", params={"graph": "http://x/e"}, content=label.encode(),
                        headers={**AUTH, "Content-Type": "application/n-triples"})
    assert replaced.status_code == 204
    assert http.get("queries/entity", params={"entity": "와이"}, headers=entity).status_code == 200
    assert http.get("queries/entity", params={"entity": "지지지"}, headers=entity).status_code == 400


def test_graph_store_put_get_post_delete(http):
    assert_graph_store_round_trip(http, G, AUTH)


def test_an_empty_put_leaves_an_empty_graph(http):
    empty = "http://example.org/graph/empty"
    assert http.put("store", params={"graph": empty}, content=b"",
                    headers={**AUTH, "Content-Type": "text/turtle"}).status_code == 201
    assert http.get("store", params={"graph": empty}, headers={"Accept": "application/n-triples"}).text == ""
    assert http.delete("store", params={"graph": empty}, headers=AUTH).status_code == 204


def test_graph_store_rejects_bad_uploads_without_changing_anything(http):
    http.put("store", params={"graph": G}, content=b"<http://a> <http://b> <http://c> .",
             headers={**AUTH, "Content-Type": "application/n-triples"})
    broken = http.put("store", params={"graph": G}, content=b"<http://a> <http://b> .",
                      headers={**AUTH, "Content-Type": "application/n-triples"})
    assert broken.status_code == 400
    unknown = http.put("store", params={"graph": G}, content=b"x", headers={**AUTH, "Content-Type": "image/png"})
    assert unknown.status_code == 415
    quads = http.put("store", params={"graph": G}, content=b"<http://g> { <http://a> <http://b> <http://d> }",
                     headers={**AUTH, "Content-Type": "application/trig"})
    assert quads.status_code == 400 and "without ?graph" in quads.text
    assert "<http://a> <http://b> <http://c>" in http.get("store", params={"graph": G},
                                                            headers={"Accept": "application/n-triples"}).text


def test_default_graph_and_dataset_uploads(http):
    http.delete("store", headers=AUTH)
    trig = b'<http://x/s> <http://x/p> "default" . <http://x/g> { <http://x/s> <http://x/p> "named" . }'
    assert http.post("store", content=trig, headers={**AUTH, "Content-Type": "application/trig"}).status_code == 204
    default = http.get("store", params={"default": ""}, headers={"Accept": "application/n-triples"}).text
    assert '"default"' in default and '"named"' not in default
    # queries still see the union of all graphs by default
    union = http.get("sparql", params={"query": "SELECT ?o WHERE { <http://x/s> <http://x/p> ?o }"}).json()
    assert {b["o"]["value"] for b in union["results"]["bindings"]} == {"default", "named"}
    assert http.delete("store", params={"default": ""}, headers=AUTH).status_code == 204
    left = http.get("store", headers={"Accept": "application/n-quads"}).text
    assert '"named"' in left and '"default"' not in left
    assert http.put("store", content=trig.replace(b'"named"', b'"again"'),
                    headers={**AUTH, "Content-Type": "application/trig"}).status_code == 204
    replaced = http.get("store", headers={"Accept": "application/n-quads"}).text
    assert '"again"' in replaced and '"named"' not in replaced


def test_using_graph_uri_sets_the_dataset_of_an_update(http):
    update = {"Content-Type": "application/sparql-update", **AUTH}
    http.delete("store", headers=AUTH)
    http.put("store", params={"graph": "http://x/from"}, content=b'<http://x/s> <http://x/p> "from" .',
             headers={**AUTH, "Content-Type": "application/n-triples"})
    copy = b"INSERT { GRAPH <http://x/to> { ?s ?p ?o } } WHERE { ?s ?p ?o }"
    assert http.post("sparql", params={"using-graph-uri": "http://x/from"}, content=copy, headers=update).status_code == 204
    assert '"from"' in http.get("store", params={"graph": "http://x/to"}, headers={"Accept": "application/n-triples"}).text
    own = b"INSERT { ?s ?p ?o } USING <http://x/from> WHERE { ?s ?p ?o }"
    twice = http.post("sparql", params={"using-graph-uri": "http://x/from"}, content=own, headers=update)
    assert twice.status_code == 400 and "give only one" in twice.text


def test_serve_refuses_to_start_without_a_token_or_a_store(seed_store_path, tmp_path):
    runner = CliRunner()
    no_token = runner.invoke(cli, ["serve", "--store", str(seed_store_path), "--allow-update"],
                             env={"CHIPGRAPH_TOKEN": None})
    assert no_token.exit_code == 1 and "--allow-update needs a token" in no_token.stderr
    missing = runner.invoke(cli, ["serve", "--store", str(tmp_path / "none")])
    assert missing.exit_code == 1 and "no store here" in missing.stderr
