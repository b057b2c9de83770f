package org.vnetnl.internal;

import org.vnetnl.genl.GenlConnection;
import org.vnetnl.vnet.VnetClient;

/**
 * Opens a connection and a client twice each, printing how every attempt failed: run in a child JVM without
 * {@code --enable-native-access} by {@link NativeAccessTest}, which expects four identical failures.
 */
public final class RetryWithoutNativeAccessMain {

    private RetryWithoutNativeAccessMain() {}

    public static void main(String[] args) {
        for (int attempt = 1; attempt <= 2; attempt++) {
            try (GenlConnection connection = GenlConnection.open()) {
                System.out.println("GenlConnection.open attempt " + attempt + ": opened");
            } catch (Throwable e) {
                System.out.println("GenlConnection.open attempt " + attempt + ": " + e);
            }
        }
        for (int attempt = 1; attempt <= 2; attempt++) {
            try (VnetClient client = VnetClient.open()) {
                System.out.println("VnetClient.open attempt " + attempt + ": opened");
            } catch (Throwable e) {
                System.out.println("VnetClient.open attempt " + attempt + ": " + e);
            }
        }
    }
}
