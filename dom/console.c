/*
 * A domain's console: the bytes its guest writes (UART or HC_CONSOLE_PUT)
 * become "[name] " lines on the hypervisor's console, and stay in its
 * console ring for the management domain (HC_DOMCTL_CONSOLE).
 */
#include "dom/domain.h"
#include "hinoki/hypercall.h"
#include "lib/fmt.h"
#include "lib/log.h"
#include "lib/string.h"

/*
 * Write the buffered bytes. A whole line ends with a newline; a partial one
 * (a prompt, typed characters echoed back) is written when the guest waits
 * for input, and the rest of its line follows later without a second prefix.
 */
static void console_emit(struct domain *d, int end_of_line)
{
	if (!d->con_len && !end_of_line)
		return;
	if (!d->con_len && end_of_line && !d->con_open)
		return;
	console_lock_acquire_for(&d->con_open);
	if (!d->con_open) {
		console_write("[", 1);
		console_write(d->guest.name, strlen(d->guest.name));
		console_write("] ", 2);
	}
	console_write(d->con_line, d->con_len);
	if (end_of_line)
		console_write("\n", 1);
	d->con_len = 0;
	d->con_open = !end_of_line;
	console_partial_line(&d->con_open, d->con_open);
	console_lock_release();
}

static void console_flush(struct domain *d)
{
	console_emit(d, 1);
}

void domain_console_end(struct domain *d)
{
	spin_lock(&d->con_lock);
	console_emit(d, 1);
	spin_unlock(&d->con_lock);
}

void domain_console_partial(struct domain *d)
{
	spin_lock(&d->con_lock);
	console_emit(d, 0);
	spin_unlock(&d->con_lock);
}

void domain_console_put(struct domain *d, uint8_t byte)
{
	console_ring_put(&d->console_ring, byte);
	if (byte == '\n') {
		console_flush(d);
		return;
	}
	if (byte == '\r')
		return;
	/* Control bytes would let a guest forge the hypervisor's lines or drive the terminal. */
	if (byte < 0x20 && byte != '\t' && byte != '\b')
		byte = '?';
	d->con_line[d->con_len++] = (char)byte;
	if (d->con_len == sizeof d->con_line)
		console_flush(d);
}

void domain_console_write(struct domain *d, const uint8_t *p, uint64_t len)
{
	spin_lock(&d->con_lock);
	for (uint64_t i = 0; i < len; i++)
		domain_console_put(d, p[i]);
	spin_unlock(&d->con_lock);
}

int64_t domain_console_read(struct domain *d, struct hinoki_console_read *req, uint8_t *buf)
{
	uint32_t lost = 0;
	spin_lock(&d->con_lock);
	int n = console_ring_read(&d->console_ring, &req->pos, buf, req->len, &lost);
	spin_unlock(&d->con_lock);
	if (n < 0)
		return -HC_EINVAL;
	req->lost = lost;
	return n;
}
