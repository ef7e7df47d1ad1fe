"""Checks of the benchmarks' one percentile computation (run by scripts/test.sh)."""
import base64
import io
import json
import os
import tempfile
import unittest

import stats


def result(at, latency_ms, body=b'{"data":{}}', code=200, url="http://x/graphql", error=""):
    return json.dumps({"timestamp": at, "latency": int(latency_ms * 1e6), "code": code, "url": url,
                       "body": base64.b64encode(body).decode(), "error": error})


class Percentiles(unittest.TestCase):
    def test_nearest_rank(self):
        values = list(range(1, 101))
        self.assertEqual(stats.percentile(values, 0.5), 50)
        self.assertEqual(stats.percentile(values, 0.99), 99)
        self.assertEqual(stats.percentile(values, 0.999), 100)
        self.assertEqual(stats.percentile([7], 0.99), 7)
        self.assertIsNone(stats.percentile([], 0.5))

    def test_distribution_sorts_and_rounds(self):
        summary = stats.distribution([3.0, 1.0, 2.0, 10.004])
        self.assertEqual((summary["count"], summary["p50"], summary["p99"], summary["max"]), (4, 2.0, 10.0, 10.0))

    def test_timestamps_with_nanoseconds_and_zones(self):
        self.assertAlmostEqual(stats.epoch("1970-01-01T00:00:01.5Z"), 1.5)
        self.assertAlmostEqual(stats.epoch("1970-01-01T01:00:02.000000001+01:00"), 2.000000001)


class Runs(unittest.TestCase):
    def test_outcomes_classes_and_expected_errors(self):
        conflict = b'{"data":null,"errors":[{"message":"busy","extensions":{"code":"CONFLICT"}}]}'
        lines = [
            result("2026-01-01T00:00:00.1Z", 2, url="http://x/graphql?class=page"),
            result("2026-01-01T00:00:00.2Z", 4, url="http://x/graphql?class=page"),
            result("2026-01-01T00:00:01.2Z", 8, body=conflict, url="http://x/graphql?class=patient"),
            result("2026-01-01T00:00:01.3Z", 30, code=429, body=b'{"errors":[{"extensions":{"code":"RATE_LIMITED"}}]}'),
            result("2026-01-01T00:00:01.4Z", 0, code=0, body=b"", error="connection refused"),
        ]
        ids = io.StringIO()
        lines.append(result("2026-01-01T00:00:01.5Z", 3, body=b'{"data":{"createAppointment":{"id":"0190b2c4-1111-7000-8000-000000000001"}}}'))
        summary = stats.summarise(lines, expected=["CONFLICT"], ids=ids)
        self.assertEqual(ids.getvalue(), "0190b2c4-1111-7000-8000-000000000001 1767225601.503\n")  # only successful answers' ids
        self.assertEqual(summary["requests"], 6)
        self.assertEqual(summary["succeeded"], 3)
        self.assertEqual(summary["errors"], 2)  # RATE_LIMITED and the refused connection
        self.assertEqual(summary["expected"], {"CONFLICT": 1})
        self.assertEqual(summary["classes"]["page"]["outcomes"], {"ok": 2})
        self.assertEqual(summary["classes"]["patient"]["outcomes"], {"CONFLICT": 1})
        self.assertEqual(summary["classes"]["all"]["outcomes"], {"RATE_LIMITED": 1, "ok": 1, "transport": 1})
        self.assertEqual([(t["second"], t["requests"], t["errors"]) for t in summary["timeline"]], [(0, 2, 0), (1, 4, 2)])
        self.assertIn("RATE_LIMITED", summary["sample_error"])  # the first error


class Lag(unittest.TestCase):
    def test_lag_to_bill_and_dashboard(self):
        with tempfile.TemporaryDirectory() as directory:
            def write(name, text):
                path = os.path.join(directory, name)
                open(path, "w").write(text)
                return path
            commits = write("commits", "a 100.000\nb 100.010\nc 100.020\n")
            bills = write("bills", "a 100.050\nb 100.030\nold 99.0\n")
            # The dashboard counts 5 before the run, 6 at 100.100, 8 at 100.300.
            polls = write("polls", "99.9 5\n100.1 6\n100.2 6\n100.3 8\n")
            summary = stats.lag(commits, bills, polls)
        self.assertEqual((summary["bookings"], summary["billed"], summary["counted"]), (3, 2, 3))
        self.assertEqual(summary["bill_lag_ms"]["max"], 50.0)
        self.assertEqual(summary["bill_lag_ms"]["p50"], 20.0)
        # a at 100.0 counted at 100.1; b and c (7th, 8th) at 100.3
        self.assertEqual(summary["dashboard_lag_ms"]["p50"], 280.0)
        self.assertEqual(summary["dashboard_lag_ms"]["mean"], round((100 + 290 + 280) / 3, 2))
        self.assertEqual(summary["dashboard_lag_ms"]["max"], 290.0)
        self.assertEqual(summary["dashboard_lag_ms"]["count"], 3)


if __name__ == "__main__":
    unittest.main()
