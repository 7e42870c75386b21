#!/usr/bin/env python3
"""Combines Google Benchmark JSON outputs into bench/results/latest.json and
the generated table of docs/benchmarks.md. Each figure is a benchmark
divided by its same-run baseline; nothing here is typed in by hand."""
import argparse
import datetime
import json
import os
import subprocess

# figure: (benchmark, baseline, how the baseline scales, target)
FIGURES = [
    ("Pseudonymiser Evaluate, batch of 10,000, 1 thread",
     "BM_BatchEvaluate/10000/1/real_time", "BM_RawScalarMult", 1, ">= 0.85"),
    ("Pseudonymiser Evaluate, batch of 10,000, 2 threads",
     "BM_BatchEvaluate/10000/2/real_time", "BM_RawScalarMult", 2, ">= 0.85"),
    ("SDK pseudonymisation over mTLS, 1,000 BSNs per call",
     "BM_SdkPseudonymiseOverMtls/1000/real_time", "BM_RawOprfCryptoPerBsn/1000/real_time", 1, "report"),
    ("Signal ingest in-process, batches of 1,000, synced, matched, audited",
     "BM_LedgerIngestInProcess/1000/real_time", "BM_RawRocksDbSyncedWriteBatch/1000/real_time", 1,
     ">= 60,000/s"),
    ("Policy decision on a generated 500-rule policy (per decision)",
     "BM_PolicyDecision500Rules", "BM_PolicyDecisionEmptyPolicy", 1, "a few µs per decision"),
    ("Signal ingest over mTLS from a separate process, batches of 1,000, 2 connections",
     "MTLS_Ingest/1000", "BM_RawRocksDbSyncedWriteBatch/1000/real_time", 1, ">= 50,000/s and ratio >= 0.2"),
    ("Audit append, synced batches of 1,000 events with their RFC 6962 nodes",
     "BM_AuditAppend/1000/real_time", "BM_RawSha256Leaf", 1, ">= 100,000/s"),
    ("Audit append as the ledger does it: match decisions with their nodes and index entries",
     "BM_LedgerAuditAppend/1000/real_time", "BM_AuditAppend/1000/real_time", 1, ">= 100,000/s"),
    ("Inclusion proof generation from the stored nodes (log size in the JSON: leaves)",
     "BM_InclusionProof/real_time", "BM_RawSha256Path", 1, "< 1 ms each"),
    ("Inclusion proof verification", "BM_VerifyInclusion", "BM_RawSha256Path", 1, "< 100 µs each"),
    ("Signal ingest over mTLS with the store at scale vs the empty store",
     "MTLS_Ingest_AtScale", "MTLS_Ingest_EmptyStore", 1, "ratio >= 0.8"),
]

# Single values: (figure, benchmark, baseline benchmark, unit, divisor, target)
SCALAR_FIGURES = [
    ("Broker peak resident memory with the store at scale", "Broker_PeakRss_AtScale", "Broker_PeakRss_EmptyStore",
     "MiB", 1024 * 1024, "< 2048 MiB"),
    ("Broker restart to serving (first lookup answered) with the store at scale", "Broker_Restart_AtScale",
     "Broker_Restart_EmptyStore", "s", 1, "< 10 s"),
]

# Latency figures: (figure, benchmark with p50_ms/p99_ms, baseline benchmark, target)
LATENCY_FIGURES = [
    ("Submit call to notification on another organisation's stream, 1,000 signals/s background",
     "MTLS_SubmitToNotification", "MTLS_NullRpc", "p99 < 10 ms and ratio <= 3"),
    ("GetSignal lookup latency with the store at scale vs the empty store",
     "MTLS_Lookup_AtScale", "MTLS_Lookup_EmptyStore", "flat (ratio near 1)"),
]


def load(paths):
    rates, records = {}, {}
    for path in paths:
        with open(path) as f:
            data = json.load(f)
        for b in data["benchmarks"]:
            rates[b["name"]] = b.get("items_per_second")
            records[b["name"]] = b
    return rates, records


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--doc", required=True)
    parser.add_argument("--mode", default="full")
    parser.add_argument("inputs", nargs="+")
    args = parser.parse_args()
    rates, records = load(args.inputs)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    figures = []
    for name, bench, baseline, scale, target in FIGURES:
        value, base = rates.get(bench), rates.get(baseline)
        if value is None or base is None:
            continue
        figures.append({"figure": name, "value": round(value, 1), "unit": "items/s",
                        "per_item_us": round(1e6 / value, 3),
                        "baseline": baseline + (f" x {scale} threads" if scale > 1 else ""),
                        "baseline_value": round(base * scale, 1), "ratio": round(value / (base * scale), 3),
                        "target": target})
    for name, bench, baseline, target in LATENCY_FIGURES:
        value, base = records.get(bench), records.get(baseline)
        if value is None or base is None or "p99_ms" not in value:
            continue
        figures.append({"figure": name, "p50_ms": round(value["p50_ms"], 3), "p99_ms": round(value["p99_ms"], 3),
                        "unit": "ms", "baseline": baseline, "baseline_p50_ms": round(base["p50_ms"], 3),
                        "baseline_p99_ms": round(base["p99_ms"], 3),
                        "ratio": round(value["p99_ms"] / max(base["p99_ms"], 1e-6), 3), "target": target})
    for name, bench, baseline, unit, divisor, target in SCALAR_FIGURES:
        value, base = records.get(bench), records.get(baseline)
        if value is None or base is None:
            continue
        scale = value.get("scale")
        figures.append({"figure": name + (f" ({scale:,} signals)" if scale else ""),
                        "value": round(value["value"] / divisor, 3), "unit": unit, "scalar": True,
                        "baseline": baseline, "baseline_value": round(base["value"] / divisor, 3),
                        "ratio": round(value["value"] / max(base["value"], 1e-9), 3), "target": target})
    scale = records.get("Broker_PeakRss_AtScale", {}).get("scale")
    for fig in figures:
        if scale and "at scale" in fig["figure"] and "signals)" not in fig["figure"]:
            fig["figure"] += f" ({scale:,} signals)"
    result = {"commit": commit, "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
              "mode": args.mode, "cores": os.cpu_count(), "cpu": cpu_model(), "figures": figures}
    with open(args.out, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")

    rows = ["| figure | value | baseline (same run) | ratio | target |", "|---|---|---|---|---|"]
    for fig in figures:
        if fig.get("scalar"):
            rows.append(f"| {fig['figure']} | {fig['value']:,.2f} {fig['unit']} | {fig['baseline']}: "
                        f"{fig['baseline_value']:,.2f} {fig['unit']} | {fig['ratio']:.2f} | {fig['target']} |")
            continue
        if fig["unit"] == "ms":
            rows.append(f"| {fig['figure']} | p50 {fig['p50_ms']:.2f} ms, p99 {fig['p99_ms']:.2f} ms | "
                        f"{fig['baseline']}: p50 {fig['baseline_p50_ms']:.2f} ms, p99 {fig['baseline_p99_ms']:.2f} ms "
                        f"| {fig['ratio']:.2f} (p99) | {fig['target']} |")
            continue
        rows.append(f"| {fig['figure']} | {fig['value']:,.0f} {fig['unit']} ({fig['per_item_us']:.2f} µs each) | "
                    f"{fig['baseline']}: "
                    f"{fig['baseline_value']:,.0f} | {fig['ratio']:.2f} | {fig['target']} |")
    rows.append("")
    rows.append(f"Commit {commit}, {result['date']}, {result['mode']} run, {result['cores']} cores, {result['cpu']}.")
    table = "\n".join(rows)
    with open(args.doc) as f:
        doc = f.read()
    begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
    head, rest = doc.split(begin, 1)
    _, tail = rest.split(end, 1)
    with open(args.doc, "w") as f:
        f.write(head + begin + "\n" + table + "\n" + end + tail)


if __name__ == "__main__":
    main()
