//! What an attacker with a copy of the database learns about who answered what in an anonymous wave.
//!
//! Six invitees each open their link (a credential is issued), then answer in a random order. The test then
//! reads what a copy holds below the tables: on SQLite the database file and every frame of its `-wal` file
//! (frames in commit order, grouped into transactions); on PostgreSQL the row versions of every
//! invitation- and response-related table, dead tuples included (`pageinspect`: `t_xmin`, `t_xmax`, the
//! tuple bytes), and the responses' `xmin`. Two attacks are run:
//!
//! - **link**: a page, WAL frame, transaction or transaction id that touches both an invitation's
//!   identifiers and a response's. Against an identified wave (which records the link by design, and
//!   answers with the token in one transaction) it recovers every pair: the attack is real. Against the
//!   anonymous wave it must find nothing.
//! - **order**: pairing the k-th credential issued with the k-th response stored. Storage order does show the
//!   answer order, but the answers came in a random order unrelated to the openings, so the pairing is right
//!   exactly where that random order coincides with the order of issuance (its fixed points): chance, about
//!   one of six, and never all six (the order drawn is not the identity).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, Statement};
use serap_server::entities::{
    credential_issuance, invitation, invitation_link, response, spent_credential,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{
    ADMIN_TOKEN, Db, SmtpSink, TestApp, TestConfig, obtain, submit_open, tokens_by_recipient,
};
use crate::on_both_databases;

const PEOPLE: usize = 6;

fn roster() -> String {
    let mut csv = String::from("nip;nama;email;unit;jabatan\n");
    for i in 1..=PEOPLE {
        csv.push_str(&format!(
            "198501{i:02}2010011{i:03};Pegawai {i};p{i}@serangkota.go.id;DINKES;Pelaksana\n"
        ));
    }
    csv
}

/// A permutation of `0..n` from a random seed (printed, to replay), never the identity.
fn random_order(n: usize) -> Vec<usize> {
    let seed = u64::from_le_bytes(Uuid::new_v4().as_bytes()[..8].try_into().unwrap()) | 1;
    println!("answer order seed {seed}");
    let mut state = seed;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    loop {
        let mut order: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            order.swap(i, (next() % (i as u64 + 1)) as usize);
        }
        if order.iter().enumerate().any(|(i, p)| i != *p) {
            return order;
        }
    }
}

/// What the test knows and the attacker wants: for each invitee (in the order their credentials were
/// issued, or for the identified wave the order of invitation), the identifiers of their invitation, and
/// of their response.
struct Truth {
    invitations: Vec<Vec<Vec<u8>>>,
    responses: Vec<Vec<Vec<u8>>>,
    /// `answer_order[k]` = the invitee who answered k-th.
    answer_order: Vec<usize>,
}

/// Every encoding an identifier may have at rest: a UUID as 16 bytes and as text; other values as text.
fn uuid_forms(id: Uuid) -> Vec<Vec<u8>> {
    vec![
        id.as_bytes().to_vec(),
        id.to_string().into_bytes(),
        id.simple().to_string().into_bytes(),
    ]
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn positions(haystack: &[u8], needle: &[u8]) -> Vec<usize> {
    haystack
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect()
}

/// Which invitees' identifiers (of one kind) a piece of storage holds.
fn holders(bytes: &[u8], ids: &[Vec<Vec<u8>>]) -> BTreeSet<usize> {
    ids.iter()
        .enumerate()
        .filter(|(_, forms)| forms.iter().any(|f| contains(bytes, f)))
        .map(|(i, _)| i)
        .collect()
}

async fn import(app: &TestApp) {
    let r = app
        .http
        .post(app.url("/api/v1/people/import"))
        .bearer_auth(ADMIN_TOKEN)
        .header("content-type", "text/csv")
        .body(roster())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let report: Value = r.json().await.unwrap();
    assert_eq!(report["created"], PEOPLE, "{report}");
}

/// Invites the six to `slug`; their tokens in roster order.
async fn invite(app: &TestApp, sink: &SmtpSink, slug: &str) -> Vec<String> {
    let r = app
        .post_json(
            &format!("/api/v1/waves/{slug}/invitations"),
            &json!({"unit_codes": ["DINKES"]}),
        )
        .await;
    assert_eq!(r.status(), 200);
    let by_recipient = tokens_by_recipient(&sink.wait_for(PEOPLE).await);
    (1..=PEOPLE)
        .map(|i| by_recipient[&format!("p{i}@serangkota.go.id")][0].clone())
        .collect()
}

async fn invitation_ids(app: &TestApp, token: &str) -> Vec<Vec<u8>> {
    let hash = serap_server::infra::tokens::sha256_hex(token);
    let link = invitation_link::Entity::find_by_id(hash.clone())
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let row = invitation::Entity::find_by_id(link.invitation_id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let mut forms = uuid_forms(row.id);
    forms.extend(uuid_forms(row.person_id));
    forms.push(hash.into_bytes());
    if let Some(issued) = credential_issuance::Entity::find_by_id(row.id)
        .one(&app.state.db)
        .await
        .unwrap()
    {
        forms.push(issued.blind_message_hash.into_bytes());
    }
    forms
}

async fn response_ids(app: &TestApp, submission: Uuid) -> Vec<Vec<u8>> {
    let row = response::Entity::find()
        .filter(response::Column::SubmissionId.eq(submission))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("the stored response");
    let mut forms = uuid_forms(row.id);
    forms.extend(uuid_forms(row.submission_id));
    forms.push(row.receipt_code.into_bytes());
    forms
}

/// SQLite: start the WAL afresh, so that it holds the experiment (a copy taken now would hold at least this).
async fn fresh_wal(app: &TestApp) {
    if app.state.db.get_database_backend() == DbBackend::Sqlite {
        app.state
            .db
            .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
            .unwrap();
    }
}

/// The anonymous wave: six open their links in roster order, then answer in a random order.
async fn anonymous_experiment(app: &TestApp, sink: &SmtpSink) -> Truth {
    let slug = "kebutuhan-pelatihan-2026";
    let tokens = invite(app, sink, slug).await;
    fresh_wal(app).await;
    let mut opened = Vec::new();
    for token in &tokens {
        opened.push(obtain(app, token).await);
    }
    let answer_order = random_order(PEOPLE);
    let mut responses = vec![Vec::new(); PEOPLE];
    for &who in &answer_order {
        let (unit, answers, credential) = &opened[who];
        let submission = Uuid::new_v4();
        let r = submit_open(app, slug, submission, *unit, answers, Some(credential)).await;
        assert_eq!(r.status(), 201);
        responses[who] = response_ids(app, submission).await;
    }
    let mut invitations = Vec::new();
    for token in &tokens {
        invitations.push(invitation_ids(app, token).await);
    }
    // The spent credentials' hashes, matched to their response through the message the test knows.
    for (who, (_, _, credential)) in opened.iter().enumerate() {
        let message = serap_server::responses::credentials::from_hex(&credential.message).unwrap();
        let hash = serap_server::responses::credentials::sha256_hex_bytes(&message);
        let stored = spent_credential::Entity::find_by_id(hash.clone())
            .one(&app.state.db)
            .await
            .unwrap();
        assert!(stored.is_some(), "the credential is recorded as spent");
        responses[who].push(hash.into_bytes());
    }
    Truth {
        invitations,
        responses,
        answer_order,
    }
}

/// The control: an identified wave answered with the tokens, in a random order.
async fn identified_experiment(app: &TestApp, sink: &SmtpSink) -> Truth {
    let slug = "abk-2026";
    let tokens = invite(app, sink, slug).await;
    fresh_wal(app).await;
    let answer_order = random_order(PEOPLE);
    let mut responses = vec![Vec::new(); PEOPLE];
    for &who in &answer_order {
        let form: Value = app
            .get(&format!("/api/v1/invitations/{}", tokens[who]))
            .await
            .json()
            .await
            .unwrap();
        let definition: serap_shared::survey::SurveyDefinition =
            serde_json::from_value(form["form"]["definition"].clone()).unwrap();
        let answers = serap_shared::survey::example_answers(&definition, 1);
        let submission = Uuid::new_v4();
        let r = app
            .http
            .post(app.url(&format!("/api/v1/invitations/{}/responses", tokens[who])))
            .json(&json!({"submission_id": submission, "unit_id": form["unit_id"], "answers": answers}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        responses[who] = response_ids(app, submission).await;
    }
    let mut invitations = Vec::new();
    for token in &tokens {
        invitations.push(invitation_ids(app, token).await);
    }
    Truth {
        invitations,
        responses,
        answer_order,
    }
}

/// What the attacker found: pairs (invitee of an invitation, invitee of a response) linked by storage,
/// and the order in which responses and (anonymous waves) credential issuances appear in storage.
#[derive(Debug, Default)]
struct Findings {
    links: BTreeSet<(usize, usize)>,
    /// Pieces of storage (pages, frames, transactions, transaction ids) touching both kinds.
    mixed: Vec<String>,
    response_order: Vec<usize>,
    issuance_order: Vec<usize>,
}

/// SQLite: the database file's pages and every WAL frame, the frames grouped into transactions.
fn sqlite_attack(app: &TestApp, truth: &Truth) -> Findings {
    let db_path = app.data_dir.join("serap.db");
    let main = std::fs::read(&db_path).unwrap();
    let wal = std::fs::read(db_path.with_extension("db-wal")).unwrap_or_default();
    let page_size = match u16::from_be_bytes([main[16], main[17]]) {
        1 => 65_536,
        n => usize::from(n),
    };
    let mut findings = Findings::default();
    let scan = |what: String, bytes: &[u8], findings: &mut Findings| {
        let inv = holders(bytes, &truth.invitations);
        let resp = holders(bytes, &truth.responses);
        if !inv.is_empty() && !resp.is_empty() {
            findings
                .mixed
                .push(format!("{what}: invitations {inv:?}, responses {resp:?}"));
            // Within a page, a row pairs its values: an invitation id next to a response id.
            for (i, inv_forms) in truth.invitations.iter().enumerate() {
                for (r, resp_forms) in truth.responses.iter().enumerate() {
                    let near = inv_forms.iter().any(|a| {
                        resp_forms.iter().any(|b| {
                            positions(bytes, a).iter().any(|pa| {
                                positions(bytes, b).iter().any(|pb| pa.abs_diff(*pb) <= 64)
                            })
                        })
                    });
                    if near {
                        findings.links.insert((i, r));
                    }
                }
            }
        }
    };
    for (n, page) in main.chunks(page_size).enumerate() {
        scan(format!("database page {}", n + 1), page, &mut findings);
    }
    // The WAL: a 32-byte header, then frames of a 24-byte header and a page. A frame whose header says
    // "database size" (bytes 4..8) non-zero commits its transaction. Frames with another salt are left
    // over from an earlier generation of the file: read too.
    assert!(wal.len() >= 32, "the WAL holds the experiment");
    let frame_len = 24 + page_size;
    let mut transaction: Vec<&[u8]> = Vec::new();
    let mut transactions: Vec<Vec<&[u8]>> = Vec::new();
    let mut salt = None;
    for (n, frame) in wal[32..].chunks(frame_len).enumerate() {
        if frame.len() < frame_len {
            break;
        }
        let (header, page) = frame.split_at(24);
        if salt.is_some_and(|s| s != header[8..16]) && !transaction.is_empty() {
            transactions.push(std::mem::take(&mut transaction));
        }
        salt = Some(<[u8; 8]>::try_from(&header[8..16]).unwrap());
        scan(format!("WAL frame {n}"), page, &mut findings);
        transaction.push(page);
        if header[4..8] != [0, 0, 0, 0] {
            transactions.push(std::mem::take(&mut transaction));
        }
    }
    let mut first_response: BTreeMap<usize, usize> = BTreeMap::new();
    let mut first_issuance: BTreeMap<usize, usize> = BTreeMap::new();
    for (t, pages) in transactions.iter().enumerate() {
        let inv: BTreeSet<usize> = pages
            .iter()
            .flat_map(|p| holders(p, &truth.invitations))
            .collect();
        let resp: BTreeSet<usize> = pages
            .iter()
            .flat_map(|p| holders(p, &truth.responses))
            .collect();
        if !inv.is_empty() && !resp.is_empty() {
            findings.mixed.push(format!(
                "WAL transaction {t}: invitations {inv:?}, responses {resp:?}"
            ));
        }
        for r in resp {
            first_response.entry(r).or_insert(t);
        }
        // Issuance: an invitation's blind-message hash (its last identifier) first written.
        for (i, forms) in truth.invitations.iter().enumerate() {
            if forms.len() > 7 && pages.iter().any(|p| contains(p, forms.last().unwrap())) {
                first_issuance.entry(i).or_insert(t);
            }
        }
    }
    findings.response_order = order_of(&first_response);
    findings.issuance_order = order_of(&first_issuance);
    findings
}

/// The keys sorted by their value (first appearance).
fn order_of(first: &BTreeMap<usize, usize>) -> Vec<usize> {
    let mut keys: Vec<usize> = first.keys().copied().collect();
    keys.sort_by_key(|k| first[k]);
    keys
}

/// PostgreSQL: every tuple, live or dead, of the invitation- and response-related tables, with its xmin and
/// xmax, through `pageinspect`.
async fn postgres_attack(app: &TestApp, truth: &Truth) -> Findings {
    let db = &app.state.db;
    db.execute_unprepared("CREATE EXTENSION IF NOT EXISTS pageinspect")
        .await
        .unwrap();
    let mut findings = Findings::default();
    // xid -> invitees whose invitation / response identifiers a tuple written or deleted by it holds.
    let mut inv_xids: HashMap<u64, BTreeSet<usize>> = HashMap::new();
    let mut resp_xids: HashMap<u64, BTreeSet<usize>> = HashMap::new();
    let mut issuance_xid: BTreeMap<usize, u64> = BTreeMap::new();
    for table in [
        "invitations",
        "invitation_links",
        "unanswered_invitations",
        "credential_issuances",
        "invitation_responses",
        "responses",
        "spent_credentials",
        "fold_queue",
        "outbox_messages",
    ] {
        let blocks: i64 = db
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                format!(
                    "SELECT (pg_relation_size('{table}') / current_setting('block_size')::int)::bigint AS n"
                ),
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get("", "n")
            .unwrap();
        for block in 0..blocks {
            let rows = db
                .query_all_raw(Statement::from_string(
                    DbBackend::Postgres,
                    format!(
                        "SELECT t_xmin::text AS xmin, t_xmax::text AS xmax, t_data AS data \
                         FROM heap_page_items(get_raw_page('{table}', {block})) WHERE t_data IS NOT NULL"
                    ),
                ))
                .await
                .unwrap();
            for row in rows {
                let xmin: u64 = row.try_get::<String>("", "xmin").unwrap().parse().unwrap();
                let xmax: u64 = row.try_get::<String>("", "xmax").unwrap().parse().unwrap();
                let data: Vec<u8> = row.try_get("", "data").unwrap();
                let inv = holders(&data, &truth.invitations);
                let resp = holders(&data, &truth.responses);
                for xid in [xmin, xmax].into_iter().filter(|x| *x != 0) {
                    inv_xids.entry(xid).or_default().extend(inv.iter().copied());
                    resp_xids
                        .entry(xid)
                        .or_default()
                        .extend(resp.iter().copied());
                }
                if table == "credential_issuances" {
                    for i in &inv {
                        issuance_xid.insert(*i, xmin);
                    }
                }
            }
        }
    }
    // The responses' own row versions.
    let mut response_xid: BTreeMap<usize, u64> = BTreeMap::new();
    let rows = db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT id::text AS id, submission_id::text AS sub, xmin::text AS xmin, ctid::text AS ctid FROM responses",
        ))
        .await
        .unwrap();
    for row in rows {
        let id: String = row.try_get("", "id").unwrap();
        let xmin: u64 = row.try_get::<String>("", "xmin").unwrap().parse().unwrap();
        if let Some(r) = truth
            .responses
            .iter()
            .position(|forms| forms.iter().any(|f| f == id.as_bytes()))
        {
            response_xid.insert(r, xmin);
            resp_xids.entry(xmin).or_default().insert(r);
        }
    }
    for (xid, inv) in &inv_xids {
        let resp = resp_xids.get(xid).cloned().unwrap_or_default();
        if !inv.is_empty() && !resp.is_empty() {
            findings.mixed.push(format!(
                "xid {xid}: invitations {inv:?}, responses {resp:?}"
            ));
            for i in inv {
                for r in &resp {
                    findings.links.insert((*i, *r));
                }
            }
        }
    }
    let by_value = |m: &BTreeMap<usize, u64>| {
        let mut keys: Vec<usize> = m.keys().copied().collect();
        keys.sort_by_key(|k| m[k]);
        keys
    };
    findings.response_order = by_value(&response_xid);
    findings.issuance_order = by_value(&issuance_xid);
    findings
}

async fn attack(app: &TestApp, truth: &Truth) -> Findings {
    match app.state.db.get_database_backend() {
        DbBackend::Postgres => postgres_attack(app, truth).await,
        _ => sqlite_attack(app, truth),
    }
}

on_both_databases!(a_database_copy_does_not_link_anonymous_responses_to_invitations);

async fn a_database_copy_does_not_link_anonymous_responses_to_invitations(db: Db) {
    // The attack works: an identified wave answered with the tokens is linked pair by pair.
    let sink = SmtpSink::start().await;
    let control = TestConfig::new(db.clone())
        .demo()
        .smtp(sink.url())
        .spawn()
        .await;
    import(&control).await;
    let truth = identified_experiment(&control, &sink).await;
    let found = attack(&control, &truth).await;
    let pairs: BTreeSet<(usize, usize)> = (0..PEOPLE).map(|i| (i, i)).collect();
    assert!(
        pairs.is_subset(&found.links),
        "the attack recovers every identified pair: {found:?}"
    );
    assert_eq!(
        found.response_order, truth.answer_order,
        "storage shows answer order"
    );
    drop(control);

    // The anonymous wave: nothing links, and the order of storage pairs them only by chance.
    let sink = SmtpSink::start().await;
    let app = TestConfig::new(db).demo().smtp(sink.url()).spawn().await;
    import(&app).await;
    let truth = anonymous_experiment(&app, &sink).await;
    let found = attack(&app, &truth).await;
    assert!(
        found.mixed.is_empty(),
        "storage mixes invitations and responses: {:#?}",
        found.mixed
    );
    assert!(found.links.is_empty(), "{found:?}");
    // The attacker does see the order of issuance and the order of the answers...
    assert_eq!(found.issuance_order, (0..PEOPLE).collect::<Vec<_>>());
    assert_eq!(found.response_order, truth.answer_order);
    // ...and pairing them is right only where the random answer order happens to match the issuance order.
    let guessed_right = (0..PEOPLE)
        .filter(|k| found.issuance_order[*k] == found.response_order[*k])
        .count();
    let coincidences = truth
        .answer_order
        .iter()
        .enumerate()
        .filter(|(k, who)| k == *who)
        .count();
    assert_eq!(guessed_right, coincidences);
    assert!(guessed_right < PEOPLE);
    println!(
        "order attack: {guessed_right} of {PEOPLE} right (chance: 1 expected), answer order {:?}",
        truth.answer_order
    );
}
