/* openr2_idle: OpenR2 (China variant) opens DAHDI channel argv[1] and runs its R2 line state
 * machine for argv[2] blocks of line time, paced by DAHDI_IOMUX, then prints what it sends
 * and receives ("tx=IDLE rx=IDLE"). Run under the e1desk DAHDI emulation (LD_PRELOAD): it
 * shows OpenR2's own DAHDI calls (SPECIFY, CHANNO, GET_PARAMS, BUFINFO, SETGAINS, SETLAW,
 * ECHOCANCEL, SETTXBITS, GETRXBITS, GETEVENT, IOMUX, read/write) work on the emulation. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <openr2.h>
#include <sys/ioctl.h>

#include "dahdi_abi.h"

static int idle_events, os_errors;

static void on_call_init(openr2_chan_t *c) { (void)c; }
static void on_call_offered(openr2_chan_t *c, const char *a, const char *d, openr2_calling_party_category_t k) { (void)c; (void)a; (void)d; (void)k; }
static void on_call_accepted(openr2_chan_t *c, openr2_call_mode_t m) { (void)c; (void)m; }
static void on_call_answered(openr2_chan_t *c) { (void)c; }
static void on_call_disconnect(openr2_chan_t *c, openr2_call_disconnect_cause_t k) { (void)c; (void)k; }
static void on_call_end(openr2_chan_t *c) { (void)c; }
static void on_call_read(openr2_chan_t *c, const unsigned char *b, int n) { (void)c; (void)b; (void)n; }
static void on_hardware_alarm(openr2_chan_t *c, int a) { (void)c; printf("alarm %d\n", a); }
static void on_os_error(openr2_chan_t *c, int e) { (void)c; os_errors++; fprintf(stderr, "os error %d\n", e); }
static void on_protocol_error(openr2_chan_t *c, openr2_protocol_error_t e) { (void)c; printf("protocol error %d\n", (int)e); }
static void on_line_blocked(openr2_chan_t *c) { (void)c; }
static void on_line_idle(openr2_chan_t *c) { (void)c; idle_events++; }
static void on_log(openr2_context_t *x, openr2_log_level_t l, const char *f, va_list ap) { (void)x; (void)l; (void)f; (void)ap; }
static int on_dnis(openr2_chan_t *c, char d) { (void)c; (void)d; return 1; }
static void on_ani(openr2_chan_t *c, char d) { (void)c; (void)d; }
static void on_billing(openr2_chan_t *c) { (void)c; }

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: openr2_idle CHANNO BLOCKS\n");
        return 2;
    }
    openr2_event_interface_t events = {
        .on_call_init = on_call_init, .on_call_offered = on_call_offered,
        .on_call_accepted = on_call_accepted, .on_call_answered = on_call_answered,
        .on_call_disconnect = on_call_disconnect, .on_call_end = on_call_end,
        .on_call_read = on_call_read, .on_hardware_alarm = on_hardware_alarm,
        .on_os_error = on_os_error, .on_protocol_error = on_protocol_error,
        .on_line_blocked = on_line_blocked, .on_line_idle = on_line_idle,
        .on_context_log = on_log, .on_dnis_digit_received = on_dnis,
        .on_ani_digit_received = on_ani, .on_billing_pulse_received = on_billing,
    };
    openr2_context_t *ctx = openr2_context_new(NULL, &events, NULL, OR2_VAR_CHINA, 10, 4);
    if (!ctx) {
        fprintf(stderr, "openr2_context_new failed\n");
        return 1;
    }
    openr2_chan_t *chan = openr2_chan_new(ctx, atoi(argv[1]), NULL, NULL);
    if (!chan) {
        fprintf(stderr, "openr2_chan_new: %s\n", openr2_context_error_string(openr2_context_get_last_error(ctx)));
        return 1;
    }
    openr2_chan_set_idle(chan);
    int fd = openr2_chan_get_fd(chan);
    for (int i = 0; i < atoi(argv[2]); i++) {
        int flags = DAHDI_IOMUX_READ | DAHDI_IOMUX_SIGEVENT;
        if (ioctl(fd, DAHDI_IOMUX, &flags) < 0)                 /* waits for line time */
            break;
        openr2_chan_process_event(chan);
    }
    printf("tx=%s rx=%s state=%s idle_events=%d os_errors=%d\n", openr2_chan_get_tx_cas_string(chan),
           openr2_chan_get_rx_cas_string(chan), openr2_chan_get_r2_state_string(chan), idle_events, os_errors);
    fflush(stdout);
    openr2_context_delete(ctx);                              /* frees its channels too */
    return 0;
}
