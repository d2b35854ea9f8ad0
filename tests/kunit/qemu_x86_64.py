# SPDX-License-Identifier: GPL-2.0
#
# kunit.py's x86_64 machine, made explicit: TCG (KVM is not assumed to
# work), every CPU feature TCG has but 5-level paging (a KASAN kernel once
# faulted in early boot on a 5-level address under TCG), two vCPUs so the concurrent-walk test
# really runs in parallel, room for KASAN's shadow, and every KASAN report
# printed rather than only the first.
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='x86_64',
			   kconfig='''
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y''',
			   qemu_arch='x86_64',
			   kernel_path='arch/x86/boot/bzImage',
			   kernel_command_line='console=ttyS0 kasan_multi_shot',
			   extra_qemu_params=['-accel', 'tcg', '-cpu', 'max,la57=off',
					      '-smp', '2', '-m', '2048',
					      '-bios', 'qboot.rom'])
