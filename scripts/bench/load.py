#!/usr/bin/env python3
"""What the load driver (vegeta) is fed, and a dashboard poller.

    load.py bookings URL TOKEN PATIENTS DOCTORS FIRST_DAY [--copies N]
        an endless stream of vegeta JSON targets (read with `vegeta attack -lazy`), each
        booking the next distinct 30-minute slot: pair k (the k-th patient with the k-th
        doctor, whose hours cover the whole day) books its slots one after another from
        FIRST_DAY (days from today) on. With --copies N each booking is sent N times in a
        row, the n-th copy for the n-th patient of PATIENTS: N clients fighting for each slot.
    load.py reads URL TOKEN PATIENTS DOCTORS DAYS
        an endless stream of targets of the read mix, distinct requests in turn: three in five a
        doctor's page of 20 appointments with patient, doctor and bill from one of the next
        DAYS days (`?class=page`), one `patient(id)` (`?class=patient`), one the dashboard
        over a range (`?class=dashboard`). The class in the URL is for stats.py; the router
        ignores it.
    load.py patients URL TOKEN PATIENTS
        an endless stream of `patient(id)` targets, one patient after another.
    load.py requests METHOD URL TOKEN [BODY]
        the same request (or, with BODY `@FILE`, one per line of FILE; with URL `@FILE`, a GET of
        each URL in FILE) over and over, as targets.
    load.py poll URL TOKEN FROM TO SECONDS
        asks the dashboard for FROM..TO every 20 ms for SECONDS and prints `<epoch> <booked>`
        per answer (the time it arrived).
"""
import base64
import datetime
import http.client
import json
import sys
import time
import urllib.parse

BOOK = "mutation($i: CreateAppointmentInput!) { createAppointment(input: $i) { id } }"
PAGE = ("query($d: ID!, $from: Date!) { appointments(doctorId: $d, from: $from, first: 20) { edges { node {"
        " id date time patient { name } doctor { name specialization } bill { amount currency status } } } } }")
PATIENT = "query($id: ID!) { patient(id: $id) { id name email phone registrationDate } }"
DASHBOARD = ("query($from: Date!, $to: Date!) { dashboard(from: $from, to: $to) { appointmentsBooked"
             " appointmentsCancelled revenueBilled revenuePaid revenueOutstanding currency } }")


def target(url, token, query, variables):
    return raw_target("POST", url, token, json.dumps({"query": query, "variables": variables}))


def raw_target(method, url, token, body=None):
    header = {"Authorization": [f"Bearer {token}"]} if token else {}
    entry = {"method": method, "url": url, "header": header}
    if body is not None:
        header["Content-Type"] = ["application/json"]
        entry["body"] = base64.b64encode(body.encode()).decode()
    return json.dumps(entry)


def requests(method, url, token, body=None):
    urls = open(url[1:]).read().split() if url.startswith("@") else [url]
    bodies = [None]
    if body is not None:
        bodies = open(body[1:]).read().splitlines() if body.startswith("@") else [body]
    targets = [raw_target(method, u, token, b) for u in urls for b in bodies]
    while True:
        for line in targets:
            print(line)


def lines(path):
    return open(path).read().split()


def day(offset):
    return (datetime.date.today() + datetime.timedelta(days=offset)).isoformat()


def bookings(url, token, patients, doctors, first_day, copies=1):
    patients, doctors = lines(patients), lines(doctors)
    pairs = len(doctors)
    n = 0
    while True:
        pair, k = n % pairs, n // pairs
        minutes = (k % 48) * 30
        booking = {"doctorId": doctors[pair], "date": day(int(first_day) + k // 48),
                   "time": f"{minutes // 60:02d}:{minutes % 60:02d}",
                   "serviceType": "CONSULTATION", "durationMinutes": 30}
        for copy in range(copies):
            booking["patientId"] = patients[(pair * copies + copy) % len(patients)] if copies > 1 else patients[pair]
            print(target(url, token, BOOK, {"i": booking}), flush=False)
        n += 1


def reads(url, token, patients, doctors, days):
    patients, doctors, days = lines(patients), lines(doctors), int(days)
    n = -1
    while True:
        n += 1
        kind = ("page", "page", "patient", "page", "dashboard")[n % 5]
        if kind == "page":
            variables = {"d": doctors[n % len(doctors)], "from": day(1 + (n // len(doctors)) % days)}
            query = PAGE
        elif kind == "patient":
            variables, query = {"id": patients[(n // 5) % len(patients)]}, PATIENT
        else:
            start = (n // 5) % 300
            variables, query = {"from": day(start - 300), "to": day(start + 60)}, DASHBOARD
        print(target(f"{url}?class={kind}", token, query, variables))


def patient_reads(url, token, patients):
    patients = lines(patients)
    n = 0
    while True:
        print(target(url, token, PATIENT, {"id": patients[n % len(patients)]}))
        n += 1


def poll(url, token, first, last, seconds):
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port)
    body = json.dumps({"query": DASHBOARD, "variables": {"from": first, "to": last}})
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    until = time.time() + float(seconds)
    while time.time() < until:
        connection.request("POST", parts.path, body, headers)
        answer = json.loads(connection.getresponse().read())
        booked = ((answer.get("data") or {}).get("dashboard") or {}).get("appointmentsBooked")
        if booked is not None:
            print(f"{time.time():.4f} {booked}", flush=True)
        time.sleep(0.02)


def main(argv):
    command, args = argv[1], argv[2:]
    try:
        if command == "bookings":
            copies = 1
            if "--copies" in args:
                at = args.index("--copies")
                copies = int(args[at + 1])
                args = args[:at] + args[at + 2:]
            bookings(*args, copies=copies)
        elif command == "reads":
            reads(*args)
        elif command == "requests":
            requests(*args)
        elif command == "patients":
            patient_reads(*args)
        elif command == "poll":
            poll(*args)
        else:
            raise SystemExit(__doc__)
    except BrokenPipeError:
        pass  # the driver stopped reading: the run is over


if __name__ == "__main__":
    main(sys.argv)
