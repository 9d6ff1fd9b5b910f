/* The log ring a warm reboot keeps (lib/log_ring.h), placed while boot services last. */
#ifndef BOOT_KEPT_LOG_H
#define BOOT_KEPT_LOG_H

/* Print the previous boot's last lines if its ring is intact, then start this boot's ring. */
void kept_log_start(void);

#endif
