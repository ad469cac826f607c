#!/usr/bin/env bash
# Rebuild the bundled example workspace (claims/ at the top of the repository) from the
# documents in this folder, with claimtrack itself. Run from anywhere:
#
#     bash examples/klarna/build.sh
#
# SOURCE_DATE_EPOCH pins the timestamps claimtrack records, so a rebuild is byte-identical.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
here="$repo/examples/klarna"
cd "$repo"
rm -rf claims
claimtrack init claims

# Each step gets its own clock reading so that records sort in the order they were added.
at() { export SOURCE_DATE_EPOCH=$(date -u -d "$1" +%s); }

# 1. The company's own announcement: a press release, so its figures are the claimant's word.
at "2024-02-27 09:00"
claimtrack ingest "$here/klarna-press-release.html" --kind press_release --publisher Klarna

# 2. Business press repeating it, with the reporter's unanswered question.
at "2024-02-28 20:30"
claimtrack ingest "$here/fastcompany-700-agents.html"

# 3. The journalist's reading note on a second article (Readwise export in Obsidian).
at "2024-03-04 09:20"
claimtrack ingest "$here/americanbanker-highlights.md"

# 4. A later article on the job cuts (the interim report came out on 27 August 2024).
at "2024-08-28 12:00"
claimtrack ingest "$here/ibtimes-job-cuts.html" --published 2024-08

# 5. What the journalist adds by hand: a question and a piece of evidence.
at "2024-08-29 10:00"
claim_id() {
  claimtrack match "$1" --top 1 --json \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["matches"][0]["claim"])'
}
source_id() {
  claimtrack sources --json \
    | python3 -c 'import json, sys; print(next(s["id"] for s in map(json.loads, sys.stdin) if sys.argv[1] in (s["url"] or "")))' "$1"
}
agents=$(claim_id "the assistant does the equivalent work of 700 full-time agents")
banker=$(source_id americanbanker.com)
claimtrack question add "$agents" \
  "Which average handling time did Klarna use to turn 2.3 million chats into 700 agents?"
claimtrack evidence add "$agents" "$banker" --context \
  --quote "The chatbot did not literally take the place of 700 employees" \
  --note "The 700 is a conversion of chat volume into headcount, not a count of people replaced." \
  --author "example desk"

claimtrack flags
