/* openr2_peer.c: an independent MFC/R2 far end for e1desk's interop tests, built on the
 * Debian libopenr2 (1.3.x API) and run against the userspace DAHDI emulation (LD_PRELOAD).
 *
 *   openr2_peer --variant itu|china|brazil [--base 31] [--max-ani N] [--max-dnis N]
 *               [--back-timeout MS] [--seconds S] [--log] SPEC...
 *
 * SPEC is one channel's script, "TS:ROLE[:key=value,...]" (TS = timeslot of the peer's span,
 * channel number = base + TS):
 *   TS:answer:decide=accept|busy|congestion|unallocated|out_of_order,charge=1|0,
 *             answer=MS (after accepted),clear=MS (clear-back after answered; 0 = wait
 *             for the far end),calls=N
 *   TS:call:dnis=D,ani=A,cat=national|national_priority|international|international_priority,
 *           delay=MS,clear=MS (clear-forward after answered),abort=MS (clear-forward this
 *           long after seizing, whatever the state)
 *   TS:block:unblock=MS (block the channel, unblock after MS)
 * Each event is printed on stdout as one JSON object per line, flushed:
 *   {"t": ms since start, "ts": TS, "ev": "offered", "ani": "..", "dnis": "..", "category": ".."}
 * events: ready, init, offered, accepted, answered, disconnect (cause), end, protocol_error
 * (error), blocked, idle, os_error, done. The program ends when every script is done or
 * after --seconds. Written for these tests from OpenR2's public headers. */
#define _GNU_SOURCE
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openr2.h>

#define MAXCH 31

struct script {
	int ts, role;                    /* role: 0 answer, 1 call, 2 block */
	openr2_chan_t *chan;
	char decide[24], dnis[40], ani[40], cat[40];
	int charge, answer_ms, clear_ms, calls, delay_ms, abort_ms, unblock_ms;
	long long due;                   /* next scripted action, ms since start (-1 none) */
	int action;                      /* 1 answer, 2 disconnect, 3 make call, 4 unblock */
	int ended, done;
};

static struct script scripts[MAXCH];
static int nscripts;
static struct timespec t0;
static int want_log;

static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0.tv_sec) * 1000LL + (t.tv_nsec - t0.tv_nsec) / 1000000;
}

static struct script *of(openr2_chan_t *chan)
{
	return (struct script *)openr2_chan_get_client_data(chan);
}

static void emit(struct script *s, const char *ev, const char *fmt, ...)
{
	char extra[512] = "";
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(extra, sizeof(extra), fmt, ap);
		va_end(ap);
	}
	printf("{\"t\": %lld, \"ts\": %d, \"ev\": \"%s\"%s%s}\n", now_ms(), s ? s->ts : 0, ev,
	       extra[0] ? ", " : "", extra);
	fflush(stdout);
}

static void schedule(struct script *s, int action, int after_ms)
{
	s->action = action;
	s->due = now_ms() + after_ms;
}

static const char *category_name(openr2_calling_party_category_t c)
{
	switch (c) {
	case OR2_CALLING_PARTY_CATEGORY_NATIONAL_SUBSCRIBER: return "national";
	case OR2_CALLING_PARTY_CATEGORY_NATIONAL_PRIORITY_SUBSCRIBER: return "national_priority";
	case OR2_CALLING_PARTY_CATEGORY_INTERNATIONAL_SUBSCRIBER: return "international";
	case OR2_CALLING_PARTY_CATEGORY_INTERNATIONAL_PRIORITY_SUBSCRIBER: return "international_priority";
	case OR2_CALLING_PARTY_CATEGORY_COLLECT_CALL: return "collect_call";
	default: return "unknown";
	}
}

static openr2_calling_party_category_t category_value(const char *name)
{
	if (!strcmp(name, "national_priority")) return OR2_CALLING_PARTY_CATEGORY_NATIONAL_PRIORITY_SUBSCRIBER;
	if (!strcmp(name, "international")) return OR2_CALLING_PARTY_CATEGORY_INTERNATIONAL_SUBSCRIBER;
	if (!strcmp(name, "international_priority")) return OR2_CALLING_PARTY_CATEGORY_INTERNATIONAL_PRIORITY_SUBSCRIBER;
	return OR2_CALLING_PARTY_CATEGORY_NATIONAL_SUBSCRIBER;
}

static openr2_call_disconnect_cause_t cause_value(const char *name)
{
	if (!strcmp(name, "busy")) return OR2_CAUSE_BUSY_NUMBER;
	if (!strcmp(name, "congestion")) return OR2_CAUSE_NETWORK_CONGESTION;
	if (!strcmp(name, "unallocated")) return OR2_CAUSE_UNALLOCATED_NUMBER;
	if (!strcmp(name, "out_of_order")) return OR2_CAUSE_OUT_OF_ORDER;
	return OR2_CAUSE_NORMAL_CLEARING;
}

/* -- OpenR2 callbacks ------------------------------------------------------------------ */
static void on_call_init(openr2_chan_t *chan) { emit(of(chan), "init", NULL); }

static void on_call_offered(openr2_chan_t *chan, const char *ani, const char *dnis,
                            openr2_calling_party_category_t category)
{
	struct script *s = of(chan);
	emit(s, "offered", "\"ani\": \"%s\", \"dnis\": \"%s\", \"category\": \"%s\"",
	     ani ? ani : "", dnis ? dnis : "", category_name(category));
	if (!strcmp(s->decide, "accept"))
		openr2_chan_accept_call(chan, s->charge ? OR2_CALL_WITH_CHARGE : OR2_CALL_NO_CHARGE);
	else
		openr2_chan_disconnect_call(chan, cause_value(s->decide));
}

static void on_call_accepted(openr2_chan_t *chan, openr2_call_mode_t mode)
{
	struct script *s = of(chan);
	emit(s, "accepted", "\"mode\": \"%s\"", openr2_proto_get_call_mode_string(mode));
	if (s->role == 0)
		schedule(s, 1, s->answer_ms);
}

static void on_call_answered(openr2_chan_t *chan)
{
	struct script *s = of(chan);
	emit(s, "answered", NULL);
	if (s->role == 1 && s->clear_ms > 0)
		schedule(s, 2, s->clear_ms);
}

static void on_call_disconnect(openr2_chan_t *chan, openr2_call_disconnect_cause_t cause)
{
	emit(of(chan), "disconnect", "\"cause\": \"%s\"", openr2_proto_get_disconnect_string(cause));
	openr2_chan_disconnect_call(chan, OR2_CAUSE_NORMAL_CLEARING);
}

static void on_call_end(openr2_chan_t *chan)
{
	struct script *s = of(chan);
	emit(s, "end", NULL);
	s->due = -1;
	s->ended++;
	if (s->role == 1 || (s->role == 0 && s->ended >= s->calls))
		s->done = 1;
}

static void on_call_read(openr2_chan_t *chan, const unsigned char *buf, int len) { }
static void on_hardware_alarm(openr2_chan_t *chan, int alarm) { emit(of(chan), alarm ? "alarm" : "alarm_cleared", NULL); }
static void on_os_error(openr2_chan_t *chan, int err) { emit(of(chan), "os_error", "\"errno\": %d", err); }

static void on_protocol_error(openr2_chan_t *chan, openr2_protocol_error_t error)
{
	struct script *s = of(chan);
	emit(s, "protocol_error", "\"error\": \"%s\"", openr2_proto_get_error(error));
	s->due = -1;
	s->ended++;
	if (s->role == 1 || (s->role == 0 && s->ended >= s->calls))
		s->done = 1;
}

static void on_line_blocked(openr2_chan_t *chan) { emit(of(chan), "blocked", NULL); }
static void on_line_idle(openr2_chan_t *chan) { emit(of(chan), "idle", NULL); }
static int on_dnis_digit(openr2_chan_t *chan, char digit) { return 1; }
static void on_ani_digit(openr2_chan_t *chan, char digit) { }
static void on_billing_pulse(openr2_chan_t *chan) { }

static void on_context_log(openr2_context_t *ctx, openr2_log_level_t level, const char *fmt, va_list ap)
{
	if (want_log) { fprintf(stderr, "[ctx] "); vfprintf(stderr, fmt, ap); }
}

static void on_chan_log(openr2_chan_t *chan, openr2_log_level_t level, const char *fmt, va_list ap)
{
	if (want_log) { fprintf(stderr, "[%lld ms TS%d] ", now_ms(), of(chan)->ts); vfprintf(stderr, fmt, ap); }
}

static openr2_event_interface_t events = {
	.on_call_init = on_call_init, .on_call_offered = on_call_offered,
	.on_call_accepted = on_call_accepted, .on_call_answered = on_call_answered,
	.on_call_disconnect = on_call_disconnect, .on_call_end = on_call_end,
	.on_call_read = on_call_read, .on_hardware_alarm = on_hardware_alarm,
	.on_os_error = on_os_error, .on_protocol_error = on_protocol_error,
	.on_line_blocked = on_line_blocked, .on_line_idle = on_line_idle,
	.on_context_log = on_context_log, .on_dnis_digit_received = on_dnis_digit,
	.on_ani_digit_received = on_ani_digit, .on_billing_pulse_received = on_billing_pulse,
};

/* -- scripts ------------------------------------------------------------------------- */
static int parse_spec(const char *spec, struct script *s)
{
	char buf[512], *role, *opts, *kv, *save = NULL;
	memset(s, 0, sizeof(*s));
	strcpy(s->decide, "accept");
	strcpy(s->cat, "national");
	s->charge = 1; s->calls = 1; s->due = -1;
	snprintf(buf, sizeof(buf), "%s", spec);
	s->ts = atoi(strtok_r(buf, ":", &save));
	role = strtok_r(NULL, ":", &save);
	opts = strtok_r(NULL, "", &save);
	if (!role || s->ts < 1 || s->ts > 31) return -1;
	s->role = !strcmp(role, "answer") ? 0 : !strcmp(role, "call") ? 1 : !strcmp(role, "block") ? 2 : -1;
	if (s->role < 0) return -1;
	for (kv = opts ? strtok_r(opts, ",", &save) : NULL; kv; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');
		if (!eq) return -1;
		*eq++ = 0;
		if (!strcmp(kv, "decide")) snprintf(s->decide, sizeof(s->decide), "%s", eq);
		else if (!strcmp(kv, "dnis")) snprintf(s->dnis, sizeof(s->dnis), "%s", eq);
		else if (!strcmp(kv, "ani")) snprintf(s->ani, sizeof(s->ani), "%s", eq);
		else if (!strcmp(kv, "cat")) snprintf(s->cat, sizeof(s->cat), "%s", eq);
		else if (!strcmp(kv, "charge")) s->charge = atoi(eq);
		else if (!strcmp(kv, "answer")) s->answer_ms = atoi(eq);
		else if (!strcmp(kv, "clear")) s->clear_ms = atoi(eq);
		else if (!strcmp(kv, "calls")) s->calls = atoi(eq);
		else if (!strcmp(kv, "delay")) s->delay_ms = atoi(eq);
		else if (!strcmp(kv, "abort")) s->abort_ms = atoi(eq);
		else if (!strcmp(kv, "unblock")) s->unblock_ms = atoi(eq);
		else return -1;
	}
	return 0;
}

static void run_action(struct script *s)
{
	int action = s->action;
	s->due = -1;
	if (action == 1) {
		/* the answering side gets no on_call_answered from this OpenR2 version */
		if (openr2_chan_answer_call(s->chan) == 0) {
			emit(s, "answer_sent", NULL);
			if (s->clear_ms > 0) schedule(s, 2, s->clear_ms);
		}
	} else if (action == 2) {
		openr2_chan_disconnect_call(s->chan, OR2_CAUSE_NORMAL_CLEARING);
	} else if (action == 3) {
		if (openr2_chan_make_call(s->chan, s->ani[0] ? s->ani : NULL, s->dnis, category_value(s->cat))) {
			emit(s, "make_call_failed", NULL);
			s->done = 1;
		} else {
			emit(s, "seized", NULL);
			if (s->abort_ms > 0) schedule(s, 2, s->abort_ms);
		}
	} else if (action == 4) {
		openr2_chan_set_idle(s->chan);
		emit(s, "unblocked", NULL);
		s->done = 1;
	}
}

int main(int argc, char **argv)
{
	openr2_variant_t variant = OR2_VAR_ITU;
	int base = 31, max_ani = 10, max_dnis = 4, back_timeout = 0, i;
	double seconds = 30;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--variant") && i + 1 < argc) {
			const char *v = argv[++i];
			variant = !strcmp(v, "china") ? OR2_VAR_CHINA : !strcmp(v, "brazil") ? OR2_VAR_BRAZIL : OR2_VAR_ITU;
		} else if (!strcmp(argv[i], "--base") && i + 1 < argc) base = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--max-ani") && i + 1 < argc) max_ani = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--max-dnis") && i + 1 < argc) max_dnis = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--back-timeout") && i + 1 < argc) back_timeout = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc) seconds = atof(argv[++i]);
		else if (!strcmp(argv[i], "--log")) want_log = 1;
		else if (nscripts < MAXCH && !parse_spec(argv[i], &scripts[nscripts])) nscripts++;
		else { fprintf(stderr, "openr2_peer: bad argument %s\n", argv[i]); return 2; }
	}
	openr2_context_t *ctx = openr2_context_new(NULL, &events, NULL, variant, max_ani, max_dnis);
	if (!ctx) { fprintf(stderr, "openr2_peer: cannot create the OpenR2 context\n"); return 1; }
	if (back_timeout > 0) openr2_context_set_mf_back_timeout(ctx, back_timeout);
	openr2_context_set_log_level(ctx, want_log ? OR2_LOG_ALL : OR2_LOG_ERROR);
	for (i = 0; i < nscripts; i++) {
		struct script *s = &scripts[i];
		s->chan = openr2_chan_new(ctx, base + s->ts, NULL, NULL);
		if (!s->chan) {
			fprintf(stderr, "openr2_peer: cannot open channel %d: %s\n", base + s->ts,
			        openr2_context_error_string(openr2_context_get_last_error(ctx)));
			return 1;
		}
		openr2_chan_set_client_data(s->chan, s);
		openr2_chan_set_logging_func(s->chan, on_chan_log);
		openr2_chan_set_log_level(s->chan, want_log ? OR2_LOG_ALL : OR2_LOG_ERROR);
		if (s->role == 2) {
			openr2_chan_set_blocked(s->chan);
			schedule(s, 4, s->unblock_ms);
		} else {
			openr2_chan_set_idle(s->chan);
			if (s->role == 1) schedule(s, 3, s->delay_ms);
		}
		/* read the line's current ABCD now: OpenR2 only learns bits from change events */
		openr2_chan_handle_cas(s->chan);
		openr2_chan_process_event(s->chan);
	}
	emit(NULL, "ready", "\"channels\": %d", nscripts);
	while (now_ms() < seconds * 1000) {
		struct pollfd fds[MAXCH];
		int all_done = 1;
		for (i = 0; i < nscripts; i++) {
			fds[i].fd = openr2_chan_get_fd(scripts[i].chan);
			fds[i].events = POLLIN | POLLPRI;
			all_done &= scripts[i].done;
		}
		if (all_done) break;
		poll(fds, nscripts, 5);
		for (i = 0; i < nscripts; i++) {
			struct script *s = &scripts[i];
			openr2_chan_process_event(s->chan);
			if (s->due >= 0 && now_ms() >= s->due) {
				run_action(s);
				openr2_chan_process_event(s->chan);
			}
		}
	}
	for (i = 0; i < nscripts; i++)
		emit(&scripts[i], "done", "\"finished\": %s, \"state\": \"%s\", \"rx_cas\": \"%s\"",
		     scripts[i].done ? "true" : "false", openr2_chan_get_call_state_string(scripts[i].chan),
		     openr2_chan_get_rx_cas_string(scripts[i].chan));
	/* channels and context are left to the process exit */
	return 0;
}
