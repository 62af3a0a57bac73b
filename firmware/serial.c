/* 16550 UART, polled (PC16550D datasheet; the register names are its own).
 * Callable from the owned world: port I/O only, no firmware services. */
#include "kernel-side/cpu/cpu.h"
#include "firmware/serial.h"

#define UART_THR	0	/* transmit holding (DLAB=0) */
#define UART_DLL	0	/* divisor latch low (DLAB=1) */
#define UART_IER	1	/* interrupt enable (DLAB=0) */
#define UART_DLM	1	/* divisor latch high (DLAB=1) */
#define UART_FCR	2	/* FIFO control */
#define  UART_FCR_ENABLE_CLEAR	0x07	/* enable, clear RX and TX FIFOs */
#define UART_LCR	3	/* line control */
#define  UART_LCR_8N1		0x03
#define  UART_LCR_DLAB		0x80
#define UART_MCR	4	/* modem control */
#define  UART_MCR_DTR_RTS	0x03
#define UART_LSR	5	/* line status */
#define  UART_LSR_THRE		0x20	/* transmit holding register empty */
#define UART_SCR	7	/* scratch: any value reads back on a 16450+ */

#define UART_CLOCK_DIV_115200	1	/* 1.8432 MHz / (16 * 115200) */
/* LSR polls before giving up on a byte: far longer than one character at
 * 115200 baud (87 us) on any CPU, so only a dead UART hits it. */
#define UART_SPIN_MAX		10000000u

static u16 uart_port;
static bool uart_alive;

bool serial_init(u16 port)
{
	/* Nothing decodes an absent UART's ports: reads float to 0xff. */
	outb(port + UART_SCR, 0x5a);
	if (inb(port + UART_SCR) != 0x5a)
		return false;
	outb(port + UART_SCR, 0xa5);
	if (inb(port + UART_SCR) != 0xa5)
		return false;

	outb(port + UART_IER, 0);
	outb(port + UART_LCR, UART_LCR_DLAB);
	outb(port + UART_DLL, UART_CLOCK_DIV_115200);
	outb(port + UART_DLM, 0);
	outb(port + UART_LCR, UART_LCR_8N1);
	outb(port + UART_FCR, UART_FCR_ENABLE_CLEAR);
	outb(port + UART_MCR, UART_MCR_DTR_RTS);
	uart_port = port;
	uart_alive = true;
	return true;
}

bool serial_ok(void)
{
	return uart_alive;
}

bool serial_write(const char *buf, size_t len)
{
	for (size_t i = 0; i < len && uart_alive; i++) {
		u32 spin = 0;

		while (!(inb(uart_port + UART_LSR) & UART_LSR_THRE)) {
			if (++spin == UART_SPIN_MAX) {
				uart_alive = false;
				return false;
			}
			cpu_relax();
		}
		outb(uart_port + UART_THR, (u8)buf[i]);
	}
	return uart_alive;
}
