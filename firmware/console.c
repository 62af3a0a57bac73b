/* EFI_SIMPLE_TEXT_OUTPUT/INPUT (UEFI spec 12.3-12.4). */
#include "firmware/console.h"
#include "firmware/uefi.h"

void console_write(const char *buf, size_t len)
{
	CHAR16 out[129];
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		char c = buf[i];

		/* The console wants CR LF; records already carry both. */
		if (c == '\n' && (i == 0 || buf[i - 1] != '\r'))
			out[n++] = L'\r';
		out[n++] = (c >= 0x20 && c < 0x7f) || c == '\r' || c == '\n' ? c : L'?';
		if (n >= 127) {
			out[n] = 0;
			ST->ConOut->OutputString(ST->ConOut, out);
			n = 0;
		}
	}
	if (n) {
		out[n] = 0;
		ST->ConOut->OutputString(ST->ConOut, out);
	}
}

bool console_wait_key(unsigned seconds)
{
	EFI_EVENT events[2], timer;
	EFI_INPUT_KEY key;
	UINTN index = 1;

	if (EFI_ERROR(BS->CreateEvent(EVT_TIMER, 0, NULL, NULL, &timer)))
		return false;
	/* SetTimer counts in 100 ns units. */
	BS->SetTimer(timer, TimerRelative, (UINT64)seconds * 10000000ull);
	ST->ConIn->Reset(ST->ConIn, FALSE);
	events[0] = ST->ConIn->WaitForKey;
	events[1] = timer;
	BS->WaitForEvent(2, events, &index);
	BS->CloseEvent(timer);
	if (index == 0) {
		ST->ConIn->ReadKeyStroke(ST->ConIn, &key);
		return true;
	}
	return false;
}
