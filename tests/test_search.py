"""The first stage of matching: how a text becomes a search, and what the search finds."""

from __future__ import annotations

import sqlite3

from claimtrack.models import Claim
from claimtrack.search import MemorySearch, create_table, prepare, query_terms, row, search


def test_a_tweet_is_read_as_prose():
    tweet = (
        "Watch 😮🔥 #StateOfTheUnion via @JoeBiden: the NRA_Official says 40% #covid19 "
        "pic.twitter.com/3S32De8ekP https://t.co/zwLPPXniQh www.example.com/a?b=1"
    )
    assert (
        prepare(tweet)
        == "Watch 😮🔥 State Of The Union via Joe Biden: the NRA_Official says 40% covid 19"
    )
    terms = query_terms(tweet)
    assert terms == [
        "watch",
        "state",
        "union",
        "joe",
        "biden",
        "nra_official",
        "says",
        "40",
        "covid",
        "19",
    ]
    # Function words and single letters are not searched for; each word once.
    assert query_terms("the THE a of it's Biden biden") == ["biden"]
    assert query_terms("  ...  😮 ") == []


def test_hashtag_words_find_the_claim():
    s = MemorySearch(
        [
            Claim(
                id="c-000000000001", text="Wombats shelter animals fleeing the Australian fires."
            ),
            Claim(id="c-000000000002", text="Fires broke out in California."),
        ]
    )
    assert s.search("so brave #AustralianFires #wombats")[0][0] == "c-000000000001"


def test_the_on_disk_table_and_memory_search_agree(tmp_path):
    claims = [
        Claim(id="c-000000000001", text="Klarna's assistant does the work of 700 agents."),
        Claim(id="c-000000000002", text="Sales rose.", title="Did Klarna's sales rise 27%?"),
        Claim(id="c-000000000003", text="Profit fell.", claimant="Klarna"),
    ]
    conn = sqlite3.connect(tmp_path / "index.sqlite")
    create_table(conn)
    conn.executemany("INSERT INTO claim_search VALUES (?, ?, ?, ?)", [row(c) for c in claims])
    memory = MemorySearch(claims)
    for text in ("Klarna", "sales 27%", "700 agents #Klarna"):
        assert search(conn, text) == memory.search(text)
    memory.remove(["c-000000000001"])
    assert [cid for cid, _ in memory.search("700 agents")] == []
